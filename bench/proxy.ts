/**
 * 8. Proxy: `redis-benchmark -t ping,set,get` through a Sockscope proxy (logging every message)
 * against the same run through a `socat TCP-LISTEN:…,fork` relay and straight to redis-server.
 * socat's listen backlog is raised from its 5: 50 clients connecting at once otherwise get resets.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BenchContext } from './lib/context';
import { startHost } from './lib/host';
import { freePort } from './lib/net';
import { sleep, startProcess } from './lib/proc';
import { perSecond, type Row } from './lib/report';

const run = promisify(execFile);

/** Requests per second, averaged over the tests redis-benchmark ran (its --csv lines). */
async function redisBenchmark(port: number, requests: number): Promise<number> {
  const { stdout } = await run(
    'redis-benchmark',
    ['-h', '127.0.0.1', '-p', String(port), '-t', 'ping,set,get', '-n', String(requests), '-c', '50', '--csv'],
    {
      maxBuffer: 1024 * 1024,
    },
  );
  const rates = stdout
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',')[1]?.replace(/"/g, '')))
    .filter((rate) => Number.isFinite(rate) && rate > 0);
  if (rates.length === 0) throw new Error(`redis-benchmark printed no rates: ${stdout}`);
  return rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await run('redis-cli', ['-p', String(port), 'PING']);
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`nothing answers on ${port}`);
}

export async function proxy(ctx: BenchContext): Promise<Row[]> {
  const requests = ctx.smoke ? 5_000 : 200_000;
  const redisPort = await freePort();
  const redis = startProcess('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  try {
    await waitForPort(redisPort);
    const direct = await redisBenchmark(redisPort, requests);
    const socatPort = await freePort();
    const socat = startProcess('socat', [`TCP-LISTEN:${socatPort},bind=127.0.0.1,reuseaddr,fork,backlog=256`, `TCP:127.0.0.1:${redisPort}`]);
    let relayed: number;
    try {
      await waitForPort(socatPort);
      relayed = await redisBenchmark(socatPort, requests);
    } finally {
      await socat.stop();
    }
    const host = await startHost(ctx.hostNodeArgs);
    let proxied: number;
    try {
      const created = await host.invoke('proxy.create', { host: '127.0.0.1', port: 0, upstreamHost: '127.0.0.1', upstreamPort: redisPort });
      const port = created.settings.listen.port;
      await waitForPort(port);
      proxied = await redisBenchmark(port, requests);
    } finally {
      await host.stop();
    }
    ctx.log(`proxy: direct ${perSecond(direct, 'req')}, socat fork relay ${perSecond(relayed, 'req')}, sockscope proxy ${perSecond(proxied, 'req')}`);
    const n = requests.toLocaleString('en-US');
    return [
      {
        benchmark: '8 Proxy',
        measure: `redis-benchmark -t ping,set,get -n ${n} -c 50 through the proxy, logging`,
        sockscope: perSecond(proxied, 'req'),
        reference: `socat fork relay ${perSecond(relayed, 'req')}`,
        ratio: proxied / relayed,
        target: '≥ 1.0× socat relay',
        pass: ctx.smoke ? undefined : proxied >= relayed,
      },
      {
        benchmark: '8 Proxy',
        measure: 'the same, against redis-server directly',
        sockscope: perSecond(proxied, 'req'),
        reference: `direct ${perSecond(direct, 'req')}`,
        ratio: proxied / direct,
        target: '≥ 0.5× direct',
        pass: ctx.smoke ? undefined : proxied >= 0.5 * direct,
      },
    ];
  } finally {
    await redis.stop();
  }
}
