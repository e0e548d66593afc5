/**
 * 8. Proxy: `redis-benchmark -t ping,set,get` through a Sockscope proxy (logging every message)
 * against the same run through a `socat TCP-LISTEN:…,fork` relay and straight to redis-server,
 * round by round; then bulk, scale and hold (proxy-stream.ts).
 * socat's listen backlog is raised from its 5: 50 clients connecting at once otherwise get resets.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BenchContext } from './lib/context';
import { startHost } from './lib/host';
import { freePort } from './lib/net';
import { startProcess } from './lib/proc';
import { csvRates, redisBenchmarkArgs, waitForRedis } from './lib/redis';
import { pairedRatios, perSecond, ratioSpread, spreadOf, valueSpread, type Row } from './lib/report';
import { proxyStreams } from './proxy-stream';

const run = promisify(execFile);

/** Requests per second, averaged over the tests redis-benchmark ran. */
async function redisBenchmark(port: number, requests: number): Promise<number> {
  const { stdout } = await run('redis-benchmark', redisBenchmarkArgs(port, requests), { maxBuffer: 1024 * 1024 });
  const rates = csvRates(stdout);
  return rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
}

export async function proxy(ctx: BenchContext): Promise<Row[]> {
  const requests = ctx.smoke ? 5_000 : 200_000;
  const rounds = ctx.smoke ? 1 : 3;
  const direct: number[] = [];
  const relayed: number[] = [];
  const proxied: number[] = [];
  const redisPort = await freePort();
  const redis = startProcess('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  const socatPort = await freePort();
  const socat = startProcess('socat', [`TCP-LISTEN:${socatPort},bind=127.0.0.1,reuseaddr,fork,backlog=256`, `TCP:127.0.0.1:${redisPort}`]);
  const host = await startHost(ctx.hostNodeArgs);
  try {
    await waitForRedis(redisPort);
    await waitForRedis(socatPort);
    const created = await host.invoke('proxy.create', { host: '127.0.0.1', port: 0, upstreamHost: '127.0.0.1', upstreamPort: redisPort });
    const port = created.settings.listen.port;
    await waitForRedis(port);
    for (let round = 1; round <= rounds; round++) {
      direct.push(await redisBenchmark(redisPort, requests));
      relayed.push(await redisBenchmark(socatPort, requests));
      proxied.push(await redisBenchmark(port, requests));
      ctx.log(
        `proxy round ${round}: direct ${perSecond(direct[round - 1], 'req')}, socat fork relay ${perSecond(relayed[round - 1], 'req')}, ` +
          `sockscope proxy ${perSecond(proxied[round - 1], 'req')}`,
      );
    }
  } finally {
    await host.stop();
    await socat.stop();
    await redis.stop();
  }
  const toRelay = spreadOf(pairedRatios(proxied, relayed));
  const toDirect = spreadOf(pairedRatios(proxied, direct));
  const rate = (n: number): string => perSecond(n, 'req');
  const n = requests.toLocaleString('en-US');
  return [
    {
      benchmark: '8 Proxy',
      measure: `redis-benchmark -t ping,set,get -n ${n} -c 50 through the proxy, logging; ratio ${ratioSpread(toRelay)}`,
      sockscope: valueSpread(spreadOf(proxied), rate),
      reference: `socat fork relay ${valueSpread(spreadOf(relayed), rate)}`,
      ratio: toRelay.median,
      target: '≥ 1.0× socat relay (median)',
      pass: ctx.smoke ? undefined : toRelay.median >= 1,
    },
    {
      benchmark: '8 Proxy',
      measure: `the same, against redis-server directly; ratio ${ratioSpread(toDirect)}`,
      sockscope: valueSpread(spreadOf(proxied), rate),
      reference: `direct ${valueSpread(spreadOf(direct), rate)}`,
      ratio: toDirect.median,
      target: '≥ 0.5× direct (median)',
      pass: ctx.smoke ? undefined : toDirect.median >= 0.5,
    },
    ...(await proxyStreams(ctx)),
  ];
}
