/** Process entry of the CLI: `bin/relaxcert.js` in a checkout, `out/main/cli.js` when built. */
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
