/** Process entry of the CLI: `bin/relaxcert.js` in a checkout, `out/main/cli.js` when built. */
import { main } from './cli.ts';

// `relaxcert certify latest | head -3`: once the reader is gone, the rest of the output has
// nowhere to go. End quietly, as Unix tools do, instead of crashing on the write error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
