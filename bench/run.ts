/**
 * `npm run bench`: every benchmark on loopback, each figure against a reference measured in the
 * same run; prints the table and writes bench/RESULTS.md. `--smoke`: small sizes, no targets,
 * nothing written (runs inside `npm test` so the benchmarks never rot). `--only=ingest,messages`
 * runs a subset and only prints.
 */
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connectionsUi } from './connections-ui';
import { ingest } from './ingest';
import { CHROMIUM_PATH } from './lib/browser';
import { messages } from './messages';
import { connections } from './connections';
import { memory } from './memory';
import { macros } from './macros';
import { proxy } from './proxy';
import { startup } from './startup';
import { ui } from './ui';
import type { BenchContext } from './lib/context';
import { HOST_SCRIPT } from './lib/host';
import { ROOT } from './lib/proc';
import { machineLine, markdownTable, textTable, type Row } from './lib/report';

const benchmarks: Record<string, (ctx: BenchContext) => Promise<Row[]>> = {
  ingest,
  messages,
  connections,
  connectionsUi,
  memory,
  ui,
  startup,
  macros,
  proxy,
};

/** True if `command` (a name looked up on PATH, or a path) is an executable file. */
function onPath(command: string): boolean {
  const candidates = isAbsolute(command) ? [command] : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, command));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, only: { type: 'string' } } });
  const smoke = values.smoke ?? false;
  const names = values.only ? values.only.split(',') : Object.keys(benchmarks);
  for (const name of names) if (!(name in benchmarks)) throw new Error(`Unknown benchmark ${name}: ${Object.keys(benchmarks).join(', ')}`);
  if (!existsSync(HOST_SCRIPT)) throw new Error(`No built host at ${HOST_SCRIPT}: run \`npm run build\` first`);
  const missing = [
    ['socat', 'socat'],
    [CHROMIUM_PATH, 'chromium'],
  ].filter(([command]) => !onPath(command));
  if (missing.length > 0) {
    throw new Error(`Missing ${missing.map(([c]) => c).join(', ')}: on Debian, apt-get install ${missing.map(([, p]) => p).join(' ')}`);
  }
  // The hosts benchmarks start keep their workspace in a folder of this run's: never the user's
  // (a restart of the app would offer to restore the benchmark's sockets), nor its lock.
  const configDir = mkdtempSync(join(tmpdir(), 'sockscope-bench-'));
  process.env.SOCKSCOPE_CONFIG_DIR = configDir;
  process.once('exit', () => rmSync(configDir, { recursive: true, force: true }));
  const logLines: string[] = [];
  const ctx: BenchContext = {
    smoke,
    log: (line) => {
      logLines.push(line);
      process.stderr.write(`${line}\n`);
    },
    hostNodeArgs: (process.env.BENCH_HOST_NODE_ARGS ?? '').split(' ').filter(Boolean),
  };
  const rows: Row[] = [];
  const started = performance.now();
  for (const name of names) {
    // Other work on the machine shows up in every figure: the load average says how much there was.
    ctx.log(
      `— ${name} (load average ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')})`,
    );
    rows.push(...(await benchmarks[name](ctx)));
  }
  const table = textTable(rows);
  process.stdout.write(`\n${machineLine()}\n\n${table}\n`);
  ctx.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
  // bench/RESULTS.md always holds a complete run: smoke runs and --only subsets just print.
  if (smoke || values.only) return;
  const misses = rows.filter((r) => r.pass === false).length;
  const document = [
    '# Benchmark results',
    '',
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${machineLine()} · \`npm run bench\``,
    '',
    'Every ratio compares Sockscope with a reference measured in the same run on the same machine.',
    '',
    markdownTable(rows),
    '',
    `${rows.filter((r) => r.pass === true).length} PASS, ${misses} MISS.`,
    '',
    '<details><summary>Every round</summary>',
    '',
    '```',
    ...logLines,
    '```',
    '',
    '</details>',
    '',
  ].join('\n');
  writeFileSync(resolve(ROOT, 'bench/RESULTS.md'), document);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
