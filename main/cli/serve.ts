/** `relaxcert serve`: the workbench in a browser on this machine. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fromSystemError } from '../../shared/errors.ts';
import { createWorkbenchHost } from '../host/create-host.ts';
import { startWorkbenchServer } from '../server/workbench-server.ts';
import { MAX_PORT, numberOption, parseCommand } from './args.ts';

export const SERVE_HELP = `Usage: relaxcert serve [--port P] [--static DIR]

Serves the workbench on http://127.0.0.1:P/ (this machine only) and prints the address to
open, with a fresh access token. Ctrl-C stops it; runs still training become interrupted and
can be resumed later.

Options:
  --port P       port (default: a free one)
  --static DIR   folder of the built renderer (default: out/renderer)
  --open         open the address in the default browser, when there is one
  -h, --help     show this help
`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand('serve', argv, {
    port: { type: 'string' },
    static: { type: 'string' },
    open: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  const port = numberOption('serve', 'port', values.port, { integer: true, min: 0, max: MAX_PORT });
  const host = await createWorkbenchHost({ shell: 'browser' });
  let server;
  try {
    server = await startWorkbenchServer({
      api: host,
      ...(port !== undefined ? { port } : {}),
      ...(values.static !== undefined ? { staticDir: resolve(values.static) } : {}),
    });
  } catch (error) {
    await host.close();
    // A port in use or not ours to bind: the one mapping of system errors says so in a line.
    throw fromSystemError(error) ?? error;
  }
  process.stdout.write(`RelaxCert workbench: ${server.url}\n`);
  if (values.open) openInBrowser(server.url);
  const running = server;
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await running.close();
  await host.close();
  return 0;
}

/** Best effort: no browser (a server, a container) is not an error; the URL is printed. */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    /* no opener */
  }
}
