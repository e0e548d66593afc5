import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Core } from '../../main/core';
import { toEngineError } from '../../main/engine/errors';
import { faultLogFile, installFaultReporter } from '../../main/fault-report';
import { type Host, startHost } from '../../main/host/server';
import { configDir } from '../../main/session/paths';
import { exitWithError } from '../messages';
import { parsePort } from '../options';
import { addLogBudgetOption, applyLogBudget } from '../log-budget-option';
import { addLogEntriesOption } from '../log-entries-option';
import { parseApiAddress } from '../api-address';

/** Beside the built CLI (out/main/cli.js → out/renderer), or the project's out/ when run from source. */
function builtRendererDir(): string {
  const besideBuild = resolve(__dirname, '../renderer');
  return existsSync(resolve(besideBuild, 'index.html')) ? besideBuild : resolve(__dirname, '../../../out/renderer');
}

/**
 * If no page has asked for anything by then, the engine loads anyway, with the module that serves it
 * to a page: a page opened later finds both ready, and a problem starting the engine shows now.
 */
const LOAD_ENGINE_AFTER_MS = 1000;

interface HostOptions {
  port: number;
  renderer: string;
  logBudget?: number;
  logEntries?: number;
  toxiproxyApi?: { host: string; port: number };
}

/**
 * `sockscope host`: the Sockscope UI in a browser, served from this machine's loopback only.
 * This module and what it imports are all the host needs to serve the page: the engine, the
 * contract's schemas and the host's WebSocket side load when the page first asks for something,
 * while the browser is running the page's code (not while it fetches and compiles it), so that
 * start-up costs one of the two, not both.
 */
export function registerHost(program: Command): void {
  addLogEntriesOption(addLogBudgetOption(program.command('host')))
    .description('serve the Sockscope UI to a browser on 127.0.0.1, guarded by a per-run token')
    .option('-p, --port <port>', 'port to serve on; 0 picks a free one', parsePort, 0)
    .option('--renderer <dir>', 'folder of the built renderer', builtRendererDir())
    .option('--toxiproxy-api <address>', "also serve Toxiproxy's HTTP API for the proxies, on [host:]port (e.g. 8474)", parseApiAddress)
    .action(async (options: HostOptions) => {
      if (!existsSync(resolve(options.renderer, 'index.html'))) {
        throw new Error(`No built renderer in ${options.renderer}: run \`npm run build\` first`);
      }
      applyLogBudget(options.logBudget);
      let core: Promise<Core> | undefined;
      const loadCore = (): Promise<Core> =>
        (core ??= new Promise<void>((next) => setImmediate(next))
          // After what this turn of the event loop brought: the page's other files go out first.
          .then(() => import('../../main/core'))
          .then(({ createCore }) => createCore({ sessionDir: configDir(), engine: logLimitsOf(options) }))
          // Without its engine the host is of no use: it stops, saying why, as for any other start-up error.
          .catch(exitWithError));
      let host: Host;
      try {
        host = await startHost({ core: loadCore, rendererDir: options.renderer, port: options.port });
      } catch (error) {
        // The engine's words, as `listen` says them: "127.0.0.1:7000 is already in use".
        throw toEngineError(error, { host: '127.0.0.1', port: options.port, operation: 'listen' });
      }
      // Through the status bar's switch, so the UI shows it on (and can turn it off); up before
      // the URL is printed, so the first page load already sees it.
      let api: { url: string } | undefined;
      if (options.toxiproxyApi) {
        try {
          const { toxiproxyApiOf } = await import('../../main/proxy/api-service');
          api = (await toxiproxyApiOf((await loadCore()).engine).set({ enabled: true, ...options.toxiproxyApi })).serving;
        } catch (error) {
          await host.close();
          await (await core)?.dispose();
          throw error;
        }
      }
      // The URL carries the token; it goes to this terminal only, never into a log file.
      process.stdout.write(`Sockscope is serving on 127.0.0.1:${host.port}\nOpen: ${host.url}\n`);
      if (api) process.stdout.write(`Toxiproxy API on ${api.url}\n`);
      // A failure to start the engine ends the host (loadCore); anything else is told to the page that asks.
      setTimeout(() => void host.core().catch(() => undefined), LOAD_ENGINE_AFTER_MS);
      const stop = async (): Promise<void> => {
        await host.close();
        await (await core)?.dispose();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
      // A fault in one socket's handler must not take every other socket and its log down with it.
      installFaultReporter({
        logFile: faultLogFile(configDir()),
        secrets: [host.token],
        notify: (error) => {
          process.stderr.write(`Sockscope host: ${error.message}\n`);
          void core?.then(({ batcher }) => batcher.push({ type: 'engine.error', error, time: Date.now() }));
        },
      });
    });
}

/** The engine's log limits as `--log-entries` sets them, or its defaults. */
function logLimitsOf(options: HostOptions): { log: { maxEntries: number } } | undefined {
  return options.logEntries === undefined ? undefined : { log: { maxEntries: options.logEntries } };
}
