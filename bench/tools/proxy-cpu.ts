/**
 * What one redis request costs the host through a Sockscope proxy (benchmark 8's run): host CPU per
 * request over a `redis-benchmark -t ping,set,get -c 50` run, in all and per thread (V8's GC and
 * compiler helpers apart from the main thread), beside redis-server's, and the rate against redis
 * direct in the same round. Given two builds (`--scripts=a/out/main/cli.js,b/out/main/cli.js`) it
 * runs them interleaved, round by round, their order swapped each round, so that the machine's
 * load falls on each alike: an A/B of the proxy's cost per request.
 *
 *   npx electron-vite build && flock /tmp/bench.lock npx tsx bench/tools/proxy-cpu.ts [--requests=200000] [--rounds=3] [--scripts=…]
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs, promisify } from 'node:util';
import { HOST_SCRIPT, startHost, type HostClient } from '../lib/host';
import { freePort } from '../lib/net';
import { sleep, startProcess } from '../lib/proc';
import { csvRates, redisBenchmarkArgs, waitForRedis } from '../lib/redis';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    scripts: { type: 'string', default: HOST_SCRIPT },
    'node-args': { type: 'string', default: '' },
    /** Also count the host's system calls per request (perf stat on tracepoints, attached during each run). */
    syscalls: { type: 'boolean', default: false },
    /** A command run beside each proxied run, `{pid}` the host's, stopped with SIGINT after it (`perf record -g -p {pid} -o …`). */
    attach: { type: 'string', default: '' },
  },
});
const requests = Number(values.requests);
const rounds = Number(values.rounds);
const scripts = values.scripts.split(',');
const nodeArgs = values['node-args'] ? values['node-args'].split(' ') : [];

/** CPU ms each thread of `pid` has run so far (schedstat: ns, not the 10 ms ticks of stat), by thread name. */
function threadCpu(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const key = tid === String(pid) ? 'main' : name;
      const ms = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
      byName.set(key, (byName.get(key) ?? 0) + ms);
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}

/** utime and stime of the whole process (all threads, ended ones too), ms. */
function userSystem(pid: number): { user: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

function processCpu(pid: number): number {
  const { user, system } = userSystem(pid);
  return user + system;
}

/** Context switches of `pid`'s main thread so far: it blocked (voluntary), or was preempted. */
function switches(pid: number): { voluntary: number; preempted: number } {
  const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  return { voluntary: field('voluntary_ctxt_switches'), preempted: field('nonvoluntary_ctxt_switches') };
}

const SYSCALLS = ['read', 'write', 'writev', 'epoll_pwait', 'epoll_wait', 'epoll_ctl', 'futex'];

/** Counts `pid`'s system calls until the returned function is called, which resolves with the counts by name. */
function countSyscalls(pid: number): () => Promise<Map<string, number>> {
  const events = ['raw_syscalls:sys_enter', ...SYSCALLS.map((name) => `syscalls:sys_enter_${name}`)];
  const perf = startProcess('perf', ['stat', '-x', ',', '-e', events.join(','), '-p', String(pid)]);
  let stderr = '';
  perf.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return async () => {
    perf.child.kill('SIGINT');
    await perf.exited;
    const counts = new Map<string, number>();
    for (const line of stderr.split('\n')) {
      const [count, , event] = line.split(',');
      if (event) counts.set(event.replace(/^.*sys_enter_?/, '') || 'all', Number(count));
    }
    return counts;
  };
}

interface Bench {
  rate: number;
  /** Requests made: -n for each test redis-benchmark ran. */
  total: number;
  /** CPU ms redis-benchmark itself used (the client's share of the two cores). */
  clientCpu: number;
}

async function redisBenchmark(port: number): Promise<Bench> {
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'cpu %U %S', 'redis-benchmark', ...redisBenchmarkArgs(port, requests)], {
    maxBuffer: 1024 * 1024,
  });
  const rates = csvRates(stdout);
  const [user, system] = (/cpu (\S+) (\S+)/.exec(stderr)?.slice(1) ?? []).map(Number);
  return { rate: rates.reduce((a, b) => a + b, 0) / rates.length, total: rates.length * requests, clientCpu: (user + system) * 1000 };
}

async function main(): Promise<void> {
  const redisPort = await freePort();
  const redis = startProcess('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  const redisPid = redis.child.pid ?? -1;
  const hosts: { name: string; host: HostClient; port: number }[] = [];
  try {
    await waitForRedis(redisPort);
    for (const [i, script] of scripts.entries()) {
      const host = await startHost(nodeArgs, [], script);
      const created = await host.invoke('proxy.create', { host: '127.0.0.1', port: 0, upstreamHost: '127.0.0.1', upstreamPort: redisPort });
      hosts.push({ name: scripts.length > 1 ? String.fromCharCode(65 + i) : 'proxy', host, port: created.settings.listen.port });
      await waitForRedis(created.settings.listen.port);
    }
    const us = (ms: number, total: number): string => ((ms * 1000) / total).toFixed(2);
    const figures = new Map<string, { ratio: number[]; host: number[]; user: number[]; system: number[] }>(
      hosts.map(({ name }) => [name, { ratio: [], host: [], user: [], system: [] }]),
    );
    for (let round = 1; round <= rounds; round++) {
      const redisBefore = processCpu(redisPid);
      const direct = await redisBenchmark(redisPort);
      console.log(
        `round ${round} direct: ${(direct.rate / 1000).toFixed(1)} k req/s, redis-server ${us(processCpu(redisPid) - redisBefore, direct.total)} µs/req, redis-benchmark ${us(direct.clientCpu, direct.total)} µs/req; load ${loadavg()[0].toFixed(2)}`,
      );
      const order = round % 2 === 1 ? hosts : [...hosts].reverse();
      for (const { name, host, port } of order) {
        const syscalls = values.syscalls ? countSyscalls(host.pid) : undefined;
        const [command, ...args] = values.attach.replaceAll('{pid}', String(host.pid)).split(' ');
        const attached = command ? startProcess(command, args) : undefined;
        // perf needs a moment to attach
        if (syscalls || attached) await sleep(300);
        const threadsBefore = threadCpu(host.pid);
        const cpuBefore = userSystem(host.pid);
        const switchesBefore = switches(host.pid);
        const redisCpuBefore = processCpu(redisPid);
        const result = await redisBenchmark(port);
        const threadsAfter = threadCpu(host.pid);
        const cpuAfter = userSystem(host.pid);
        const switchesAfter = switches(host.pid);
        const user = cpuAfter.user - cpuBefore.user;
        const system = cpuAfter.system - cpuBefore.system;
        const counts = await syscalls?.();
        const mine = figures.get(name);
        mine?.ratio.push(result.rate / direct.rate);
        mine?.host.push(((user + system) * 1000) / result.total);
        mine?.user.push((user * 1000) / result.total);
        mine?.system.push((system * 1000) / result.total);
        attached?.child.kill('SIGINT');
        await attached?.exited;
        const threads = [...threadsAfter]
          .map(([thread, ms]) => [thread, ms - (threadsBefore.get(thread) ?? 0)] as const)
          .filter(([, ms]) => ms >= 1)
          .sort((a, b) => b[1] - a[1])
          .map(([thread, ms]) => `${thread} ${us(ms, result.total)}`)
          .join(', ');
        console.log(
          `round ${round} ${name}: ${(result.rate / 1000).toFixed(1)} k req/s (${(result.rate / direct.rate).toFixed(2)}× direct), ` +
            `host ${us(user + system, result.total)} µs/req (user ${us(user, result.total)}, system ${us(system, result.total)}) [${threads}], ` +
            `switches/req ${((switchesAfter.voluntary - switchesBefore.voluntary) / result.total).toFixed(3)} blocked, ` +
            `${((switchesAfter.preempted - switchesBefore.preempted) / result.total).toFixed(3)} preempted, ` +
            (counts ? `syscalls/req [${[...counts].map(([name, n]) => `${name} ${(n / result.total).toFixed(2)}`).join(', ')}], ` : '') +
            `redis-server ${us(processCpu(redisPid) - redisCpuBefore, result.total)} µs/req, redis-benchmark ${us(result.clientCpu, result.total)} µs/req; load ${loadavg()[0].toFixed(2)}`,
        );
      }
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    for (const [name, f] of figures) {
      console.log(
        `${name} medians over ${f.ratio.length} rounds: ${median(f.ratio).toFixed(2)}× direct; host ${median(f.host).toFixed(2)} µs/req ` +
          `(user ${median(f.user).toFixed(2)}, system ${median(f.system).toFixed(2)}); load ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`,
      );
    }
  } finally {
    for (const { host } of hosts) await host.stop();
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
