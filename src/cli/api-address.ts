import { InvalidArgumentError } from 'commander';
import { DEFAULT_TOXIPROXY_API } from '../main/proxy/toxiproxy-address';

/** Commander parser for a Toxiproxy API address (`proxy --api`, `host --toxiproxy-api`): `8474`, `127.0.0.1:8474` or `[::1]:8474`. */
export function parseApiAddress(text: string): { host: string; port: number } {
  const match = /^(?:(\[[^\]]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new InvalidArgumentError('Expected [host:]port, e.g. 127.0.0.1:8474 or 8474.');
  const host = match[1] ? match[1].replace(/^\[|\]$/g, '') : DEFAULT_TOXIPROXY_API.host;
  return { host, port };
}
