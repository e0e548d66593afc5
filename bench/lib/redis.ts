/** Benchmark 8's redis load, for the benchmark and the tools that take it apart (tools/proxy-cpu.ts). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sleep } from './proc';

const run = promisify(execFile);

/** redis-benchmark's arguments: PING (inline and bulk), SET and GET, `requests` each, from 50 clients, as CSV. */
export function redisBenchmarkArgs(port: number, requests: number): string[] {
  return ['-h', '127.0.0.1', '-p', String(port), '-t', 'ping,set,get', '-n', String(requests), '-c', '50', '--csv'];
}

/** Requests per second of each test redis-benchmark ran (its --csv lines). */
export function csvRates(stdout: string): number[] {
  const rates = stdout
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',')[1]?.replace(/"/g, '')))
    .filter((rate) => Number.isFinite(rate) && rate > 0);
  if (rates.length === 0) throw new Error(`redis-benchmark printed no rates: ${stdout}`);
  return rates;
}

/** Resolves once something answers PING on `port`. */
export async function waitForRedis(port: number): Promise<void> {
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
