import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createCore } from '../core';
import { startHost } from './server';

/** `npm run host`: the Sockscope UI in a browser, served from this machine's loopback only. */
async function main(): Promise<void> {
  const program = new Command('sockscope-host')
    .description('Serve the Sockscope UI to a browser on 127.0.0.1, guarded by a per-run token')
    .option('-p, --port <port>', 'port to serve on (default: a free one)', parsePort, 0)
    .option('--renderer <dir>', 'folder of the built renderer', resolve(__dirname, '../renderer'))
    .parse();
  const { port, renderer } = program.opts<{ port: number; renderer: string }>();
  if (!existsSync(resolve(renderer, 'index.html'))) {
    throw new Error(`No built renderer in ${renderer}: run \`npm run build\` first`);
  }
  const core = createCore();
  const host = await startHost({ core, rendererDir: renderer, port });
  // The URL carries the token; it goes to this terminal only, never into a log file.
  process.stdout.write(`Sockscope is serving on 127.0.0.1:${host.port}\nOpen: ${host.url}\n`);

  const stop = async (): Promise<void> => {
    await host.close();
    await core.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // A fault in one socket's handler must not take every other socket and its log down with it.
  process.on('uncaughtException', (error) => {
    process.stderr.write(`Sockscope host: unexpected error (kept running): ${error.stack ?? error.message}\n`);
  });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('Port must be a whole number between 0 and 65535.');
  }
  return port;
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Sockscope host: ${message.includes('EADDRINUSE') ? 'that port is already in use' : message}\n`);
  process.exit(1);
});
