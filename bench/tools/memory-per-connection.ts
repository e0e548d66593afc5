/**
 * What one idle accepted connection costs. `--count` connections from a client process into
 * a listener of:
 *   host    the built host (`out/main/cli.js host`, run `npx electron-vite build` first) with a
 *           WebSocket client subscribed, as the connections benchmark runs it (default);
 *   engine  an engine in this process, through tsx (whose keepNames gives every named arrow
 *           function a property dictionary, ~250 B each: count those out);
 *   bare    bench/peers/bare-server.ts, a plain node:net server that only holds them (the floor).
 * Prints the growth of RSS per connection, as the benchmark reads it (no forced collection).
 * `--snapshot <dir>` instead writes heap snapshots before and after into <dir> (each forces a
 * full collection, and writing one inflates RSS): `npx tsx bench/tools/heap-diff.ts` lists what
 * grew, by type. Bytes, not times: they hold on a loaded machine.
 *
 *   npx tsx bench/tools/memory-per-connection.ts --count 5000 [--target host|engine|bare] [--snapshot dir]
 */
import { closeSync, mkdirSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { Engine } from '../../src/main/engine/engine';
import { EventBatcher } from '../../src/main/batcher';
import { startHost } from '../lib/host';
import { freshAddresses } from '../lib/net';
import { memoryOf, sleep, startPeer } from '../lib/proc';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '5000' },
    target: { type: 'string', default: 'host' },
    snapshot: { type: 'string' },
  },
});
const count = Number(values.count);
const snapshotDir = values.snapshot === undefined ? undefined : resolve(values.snapshot);

interface Holder {
  port: number;
  /** Connections held so far. */
  held(): number;
  /** Resident set now, or after writing a heap snapshot named `name` with `--snapshot`. */
  measure(name: string): Promise<number>;
  stop(): Promise<void>;
}

function endsJson(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const tail = Buffer.alloc(16);
    const read = readSync(fd, tail, 0, tail.length, Math.max(0, statSync(file).size - tail.length));
    return tail.subarray(0, read).toString('latin1').trimEnd().endsWith('}');
  } finally {
    closeSync(fd);
  }
}

/** Waits until a file appears in `dir` and stops growing. */
async function newFileIn(dir: string, before: Set<string>): Promise<string> {
  for (;;) {
    const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
    if (file) {
      // Written in pieces after a collection: done once it ends as JSON does and stops growing.
      let size = -1;
      while (size <= 0 || statSync(join(dir, file)).size !== size || !endsJson(join(dir, file))) {
        size = statSync(join(dir, file)).size;
        await sleep(1000);
      }
      return join(dir, file);
    }
    await sleep(200);
  }
}

async function hostHolder(): Promise<Holder> {
  const nodeArgs = snapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : [];
  const host = await startHost(nodeArgs);
  const listener = await host.invoke('tcp.listen', { host: '127.0.0.1', port: 0 });
  return {
    port: listener.local?.port ?? 0,
    held: () => [...host.sockets.values()].filter((s) => s.parentId === listener.id && s.state === 'open').length,
    async measure(name) {
      if (!snapshotDir) return memoryOf(host.pid).rss;
      const before = new Set(readdirSync(snapshotDir));
      process.kill(host.pid, 'SIGUSR2');
      const file = await newFileIn(snapshotDir, before);
      console.log(`${name}: ${file}`);
      return memoryOf(host.pid).rss;
    },
    stop: () => host.stop(),
  };
}

async function engineHolder(): Promise<Holder> {
  const engine = new Engine();
  const batcher = new EventBatcher();
  engine.announceTo(batcher);
  batcher.subscribe(() => undefined);
  const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
  return {
    port: listener.local?.port ?? 0,
    held: () => engine.snapshot().sockets.filter((s) => s.parentId === listener.id && s.state === 'open').length,
    measure: inProcessMeasure,
    stop: () => engine.dispose(),
  };
}

async function bareHolder(): Promise<Holder> {
  const server = startPeer('bare-server.ts', ['--count', String(count), '--backlog', '4096']);
  const port = Number((await server.waitForLine(/^ready (\d+)/))[1]);
  const pid = server.child.pid ?? -1;
  return {
    port,
    held: () => (server.lines.some((line) => line.startsWith('accepted ')) ? count : 0),
    measure: async () => memoryOf(pid).rss,
    async stop() {
      server.child.stdin?.end();
      await server.stop();
    },
  };
}

async function inProcessMeasure(name: string): Promise<number> {
  if (snapshotDir) {
    const file = writeHeapSnapshot(join(snapshotDir, `${name}.heapsnapshot`));
    console.log(`${name}: ${file}`);
  }
  return process.memoryUsage().rss;
}

async function main(): Promise<void> {
  if (snapshotDir) mkdirSync(snapshotDir, { recursive: true });
  const holder = await (values.target === 'bare' ? bareHolder() : values.target === 'engine' ? engineHolder() : hostHolder());
  await sleep(500);
  const before = await holder.measure('before');
  // From a source address of its own: on 127.0.0.1 the TIME_WAIT ports of the runs before slowed each connect to a crawl.
  const clients = startPeer('tcp-clients.ts', [
    '--port',
    String(holder.port),
    '--count',
    String(count),
    '--concurrency',
    '128',
    '--local-address',
    freshAddresses(1)[0],
  ]);
  await clients.waitForLine(/^connected /, 300_000);
  while (holder.held() < count) await sleep(100);
  await sleep(500);
  const after = await holder.measure('after');
  console.log(
    `${values.target}: ${count} connections, RSS ${(before / 1e6).toFixed(1)} → ${(after / 1e6).toFixed(1)} MB, ` +
      `${((after - before) / count / 1024).toFixed(2)} KiB per connection${snapshotDir ? ' (inflated by the snapshots)' : ''}`,
  );
  clients.child.stdin?.end();
  await clients.exited;
  await holder.stop();
  process.exit(0);
}

void main();
