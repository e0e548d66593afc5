/**
 * Options that apply to some URL schemes only (`--cert` to tls://, `--join` to udp://). Given with
 * another scheme they would be silently ignored, and the user would believe them in effect: they
 * are refused instead, with the scheme they belong to.
 */
import type { Command } from 'commander';
import { formatSocketUrl, type SocketUrl } from './endpoint-url';

type Scheme = SocketUrl['protocol'];

/** Commander attribute name (`requestCert`) → the schemes it applies to. */
export type SchemeOnly = Readonly<Record<string, readonly Scheme[]>>;

/** The same scheme list for each of `names`: `tlsOnly(['cert', 'key'])`. */
export function tlsOnly(names: readonly string[]): Record<string, readonly Scheme[]> {
  return Object.fromEntries(names.map((name) => [name, ['tls'] as const]));
}

/** Throws for the first option the user gave that `url`'s scheme has no use for. */
export function refuseInapplicable(command: Command, url: SocketUrl, only: SchemeOnly): void {
  for (const option of command.options) {
    const name = option.attributeName();
    const schemes = only[name];
    if (!schemes || schemes.includes(url.protocol)) continue;
    const source = command.getOptionValueSource(name);
    if (source !== 'cli' && source !== 'env') continue;
    const wanted = schemes.map((scheme) => `${scheme}://`).join(' or ');
    // tcp:// with a TLS option is most likely a tls:// URL mistyped.
    const instead = url.protocol === 'tcp' && schemes.includes('tls') ? `; did you mean ${formatSocketUrl({ ...url, protocol: 'tls' })}?` : '';
    throw new Error(`${option.long ?? option.flags} applies to ${wanted} only, not ${url.protocol}://${instead}`);
  }
}
