/**
 * `tls://` for `sockscope send` and `sockscope listen`: the command-line options that become the
 * `tls` of tcp.connect / tcp.listen, checked by the same contract schemas as the app's dialog.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { TlsClientOptions, TlsListenOptions } from '@shared/tls';
import type { SocketUrl } from './endpoint-url';

export interface TlsClientFlags {
  insecure?: boolean;
  servername?: string;
  alpn?: string;
  cacert?: string;
  cert?: string;
  key?: string;
}

export interface TlsListenFlags {
  names: string;
  cert?: string;
  key?: string;
  alpn?: string;
  requestCert?: boolean;
  clientCa?: string;
}

/** The attribute names of the flags below: they mean something for tls:// only. */
export const TLS_CLIENT_FLAGS = ['insecure', 'servername', 'alpn', 'cacert', 'cert', 'key'] as const;
export const TLS_LISTEN_FLAGS = ['names', 'cert', 'key', 'alpn', 'requestCert', 'clientCa'] as const;

/** Each tls:// flag once, as commander spells it, what it does, and its default; `scope` opens the help ("tls://"). */
type FlagTable<K extends string> = Record<K, readonly [flags: string, help: string, fallback?: string]>;

const CLIENT_OPTIONS: FlagTable<(typeof TLS_CLIENT_FLAGS)[number]> = {
  insecure: ['-k, --insecure', 'connect even when the certificate cannot be verified (the reason is still shown)'],
  servername: ['--servername <name>', 'the server name sent (SNI) and checked; defaults to the host name'],
  alpn: ['--alpn <list>', 'ALPN protocols to offer, e.g. h2,http/1.1'],
  cacert: ['--cacert <file>', "also trust the certificates in this PEM file (e.g. the server's self-signed one)"],
  cert: ['--cert <file>', 'client certificate (PEM), for servers that ask for one'],
  key: ['--key <file>', "the client certificate's private key (PEM)"],
};

const LISTEN_OPTIONS: FlagTable<(typeof TLS_LISTEN_FLAGS)[number]> = {
  names: ['--names <list>', 'names for the self-signed certificate', 'localhost,127.0.0.1,::1'],
  cert: ['--cert <file>', 'present this certificate (PEM) instead of a self-signed one'],
  key: ['--key <file>', 'the private key (PEM) of --cert'],
  alpn: ['--alpn <list>', 'ALPN protocols to offer, e.g. h2,http/1.1'],
  requestCert: ['--request-cert', 'ask each client for a certificate and show it'],
  clientCa: ['--client-ca <file>', 'ask each client for a certificate and say whether this CA (PEM) vouches for it'],
};

function addFlags<K extends string>(command: Command, table: FlagTable<K>, names: readonly K[], scope: string): Command {
  for (const name of names) {
    const [flags, help, fallback] = table[name];
    command.option(flags, `${scope}: ${help}`, fallback);
  }
  return command;
}

/** tls:// client flags (`names`: the subset a command takes, e.g. a proxy's upstream side). */
export function addTlsClientFlags(
  command: Command,
  names: readonly (typeof TLS_CLIENT_FLAGS)[number][] = TLS_CLIENT_FLAGS,
  scope = 'tls://',
): Command {
  return addFlags(command, CLIENT_OPTIONS, names, scope);
}

/** tls:// listen flags (`names`: the subset a command takes, e.g. a proxy's listen side). */
export function addTlsListenFlags(
  command: Command,
  names: readonly (typeof TLS_LISTEN_FLAGS)[number][] = TLS_LISTEN_FLAGS,
  scope = 'tls://',
): Command {
  return addFlags(command, LISTEN_OPTIONS, names, scope);
}

function list(text: string | undefined): string[] | undefined {
  const items = text
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

async function readPem(file: string | undefined, flag: string): Promise<string | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`${flag} ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function checked<T>(result: { success: true; data: T } | { success: false; error: { issues: { message: string }[] } }): T {
  if (!result.success) throw new Error(result.error.issues[0]?.message ?? 'Invalid TLS options');
  return result.data;
}

/** The `tls` of tcp.connect for a tls:// URL; nothing for tcp://. */
export async function tlsClientInput(url: SocketUrl, flags: TlsClientFlags): Promise<{ tls?: TlsClientOptions }> {
  if (url.protocol !== 'tls') return {};
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw new Error('--cert and --key go together');
  if (flags.servername?.trim() === '') {
    throw new Error(
      '--servername is empty: give the name to ask the server for (SNI), e.g. --servername example.com, or leave it out to use the host in the URL',
    );
  }
  const [certPem, keyPem, caPem] = await Promise.all([readPem(flags.cert, '--cert'), readPem(flags.key, '--key'), readPem(flags.cacert, '--cacert')]);
  const tls = TlsClientOptions.safeParse({
    verify: flags.insecure !== true,
    serverName: flags.servername,
    alpn: list(flags.alpn),
    caPem,
    clientCert: certPem !== undefined && keyPem !== undefined ? { certPem, keyPem } : undefined,
  });
  return { tls: checked(tls) };
}

/** The `tls` of tcp.listen for a tls:// URL; nothing for tcp://. */
export async function tlsListenInput(url: SocketUrl, flags: TlsListenFlags): Promise<{ tls?: TlsListenOptions }> {
  if (url.protocol !== 'tls') return {};
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw new Error('--cert and --key go together');
  const [certPem, keyPem, clientCaPem] = await Promise.all([
    readPem(flags.cert, '--cert'),
    readPem(flags.key, '--key'),
    readPem(flags.clientCa, '--client-ca'),
  ]);
  const certificate =
    certPem !== undefined && keyPem !== undefined ? { mode: 'pem', certPem, keyPem } : { mode: 'self-signed', names: list(flags.names) ?? [] };
  return {
    tls: checked(TlsListenOptions.safeParse({ certificate, requestClientCert: flags.requestCert === true, alpn: list(flags.alpn), clientCaPem })),
  };
}
