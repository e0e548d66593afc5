/**
 * What the host's engine costs to load, for one or more builds side by side (rounds interleaved):
 *
 *   npx tsx bench/tools/startup-engine-cpu.ts [--rounds=15] [outDir …]
 *
 * The host loads its engine (the contract's schemas, the engine, the module that serves it) at a
 * page's first message, which comes while the browser runs the page's code, paints and takes the
 * first click: on two cores that CPU is taken from the page, and the start-up benchmark moves with
 * it. Its CPU time (from /proc, in clock ticks) is steadier on a busy machine than the benchmark's
 * wall time. Each round starts the built host with a new user's config folder, waits until the
 * start is over, then sends a page's first command (app.snapshot) and counts the host's CPU until
 * the reply.
 */
import { resolve } from 'node:path';
import { WebSocket } from 'ws';
import { startAsNewUser } from '../lib/new-user';
import { ROOT, cpuSecondsOf } from '../lib/proc';
import { median } from '../lib/report';

/** Past the host's own start (ws loads just after the URL is printed), before the 1 s fallback load. */
const SETTLE_MS = 300;

interface Load {
  cpuMs: number;
  wallMs: number;
}

async function oneLoad(outDir: string): Promise<Load> {
  const host = await startAsNewUser(process.execPath, [resolve(outDir, 'main/cli.js'), 'host', '--port', '0'], 'engine-cpu');
  try {
    const url = new URL(host.url);
    const ws = new WebSocket(`ws://${url.host}/ws?token=${encodeURIComponent(url.searchParams.get('token') ?? '')}`);
    await new Promise<void>((done, fail) => {
      ws.once('open', () => done());
      ws.once('error', fail);
    });
    await new Promise((done) => setTimeout(done, SETTLE_MS));
    const pid = host.pid;
    const cpuBefore = cpuSecondsOf(pid);
    const start = performance.now();
    const replied = new Promise<void>((done) => ws.on('message', (data) => (data.toString().includes('"result"') ? done() : undefined)));
    ws.send(JSON.stringify({ type: 'command', callId: 1, command: 'app.snapshot', input: {} }));
    await replied;
    const load = { cpuMs: (cpuSecondsOf(pid) - cpuBefore) * 1000, wallMs: performance.now() - start };
    ws.close();
    return load;
  } finally {
    await host.stop();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rounds = Number(args.find((arg) => arg.startsWith('--rounds='))?.slice('--rounds='.length) ?? 15);
  const builds = args.filter((arg) => !arg.startsWith('--'));
  if (builds.length === 0) builds.push(resolve(ROOT, 'out'));
  const loads = new Map<string, Load[]>(builds.map((build) => [build, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const build of builds) loads.get(build)?.push(await oneLoad(build));
  }
  for (const [index, build] of builds.entries()) {
    const all = loads.get(build) ?? [];
    const mean = (pick: (load: Load) => number): string => (all.reduce((sum, load) => sum + pick(load), 0) / all.length).toFixed(1);
    console.log(
      `build ${index} (${build}): engine load CPU ${mean((l) => l.cpuMs)} ms mean, ${median(all.map((l) => l.cpuMs)).toFixed(0)} median ` +
        `(clock ticks of 10 ms); first message to snapshot ${median(all.map((l) => l.wallMs)).toFixed(0)} ms median, ${rounds} rounds`,
    );
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
