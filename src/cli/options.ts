import { InvalidArgumentError } from 'commander';

/** Commander parser for a port option: a whole number from 0 to 65535. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError('Port must be a whole number between 0 and 65535.');
  }
  return port;
}
