import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { TlsClientOptions, TlsListenOptions } from '@shared/tls';
import { InvalidArgumentError } from 'commander';
import { formatBytes } from '@shared/codec';
import type { LogEntry, SocketInfo } from '@shared/contract';
import type { ToxicInput } from '@shared/proxy';
import { parseToxicSpec } from '@shared/toxic-spec';
import { createCore, type Core } from '../../main/core';
import { DEFAULT_TOXIPROXY_API, startToxiproxyApi, type ToxiproxyApi } from '../../main/proxy/toxiproxy-api';
import { formatSocketUrl, parseSocketUrl, type SocketUrl } from '../endpoint-url';
import { formatEntry } from '../format';
import { addPayloadFlags, entryStyle, type PayloadFlags } from '../payload-flags';
import { inCliTerms } from '../messages';
import { parseApiAddress } from '../api-address';
import { addProxyTlsFlags, proxyTlsInput, type ProxyTlsFlags } from '../proxy-tls-options';
import { followLogs, invoke, processTerminal, type Terminal } from '../session';

interface ProxyOptions extends ProxyTlsFlags, PayloadFlags {
  toxic: ToxicInput[];
  api?: { host: string; port: number };
  pcapng?: string;
  jsonl?: string;
  name?: string;
  resetOnFailure?: boolean;
  idleTimeout?: number;
  maxSessions?: number;
}

const help = `
Toxics (--toxic, repeatable): type[:stream][:key=value,...] with Toxiproxy's names; stream is
upstream (client → server) or downstream (server → client, the default). Besides the type's
attributes, toxicity=0..1 and name=… may be given.
  latency     latency, jitter (ms)           bandwidth   rate (KB/s)
  slow_close  delay (ms)                     timeout     timeout (ms idle, then closed; 0: never)
  reset_peer  timeout (ms)                   slicer      average_size, size_variation (bytes), delay (µs)
  limit_data  bytes
  (timeout drops what comes and closes the connection when removed; reset_peer drops from
  the first data and resets the connection timeout ms later, as Toxiproxy's do)
On udp:// proxies (rates are shares of datagrams, 0..1; each client address is a session):
  latency     latency, jitter (ms)           loss        rate, correlation (bursts)
  duplicate   rate                           reorder     rate, gap (datagrams), delay (ms at most)

tls:// on the listen side presents a self-signed certificate (--names) or --cert/--key; tls:// on
the upstream side verifies its certificate (--cacert, --servername; --insecure to go on anyway).
The log shows clear text both ways; toxics and hold act on it.

In the printed log, ↑ TX is what went on to the server and ↓ RX what went back to the client: with
toxics, what came out of them, when it was written on (a slicer's slices one by one, a delayed reply
when it was delivered); what a toxic dropped is a note ("timeout toxic 'timeout_upstream' dropped
14 bytes to the server 127.0.0.1:6379").

Examples:
  sockscope proxy tcp://127.0.0.1:6380 tcp://127.0.0.1:6379
  sockscope proxy tcp://127.0.0.1:6380 tcp://127.0.0.1:6379 --toxic latency:downstream:latency=100,jitter=10
  sockscope proxy tcp://127.0.0.1:0 tcp://db.local:5432 --toxic limit_data:upstream:bytes=1024 --jsonl talk.jsonl
  sockscope proxy udp://127.0.0.1:5353 udp://127.0.0.1:53 --toxic loss:upstream:rate=0.2
  sockscope proxy tls://127.0.0.1:8443 tcp://127.0.0.1:8000     (terminates TLS: curl -k https://127.0.0.1:8443/)
  sockscope proxy tcp://127.0.0.1:6380 tls://cache.example:6380 --cacert ca.pem   (originates TLS)
  sockscope proxy --api 127.0.0.1:8474        (only the Toxiproxy API, like toxiproxy-server; prints what its proxies carry)

Ctrl-C (or SIGTERM) stops, after writing the --pcapng and --jsonl files.`;

/** `sockscope proxy`: forwards clients to an upstream, printing both directions; optionally the Toxiproxy API. */
export function registerProxy(program: Command, terminal: Terminal = processTerminal): void {
  addPayloadFlags(addProxyTlsFlags(program.command('proxy')))
    .description('forward every client to an upstream, log both directions, inject faults (Toxiproxy-compatible)')
    .argument('[listen-url]', 'tcp://, tls:// or udp://address:port to listen on; port 0 picks a free one', (text) => proxyUrl(text, true))
    .argument('[upstream-url]', 'tcp://, tls:// or udp://host:port to forward to (udp:// only to udp://)', (text) => proxyUrl(text, false))
    .option('--toxic <spec>', 'a toxic, type[:stream][:key=value,...] (repeatable; see below)', collectToxic, [])
    .option(
      '--api [address]',
      `also serve the Toxiproxy HTTP API on [host:]port (default ${DEFAULT_TOXIPROXY_API.host}:${DEFAULT_TOXIPROXY_API.port})`,
      parseApiAddress,
    )
    .option('--name <name>', "the proxy's name (as the Toxiproxy API shows it)")
    .option('--reset-on-failure', 'reset clients (RST) when the upstream cannot be reached, instead of closing them')
    .option('--idle-timeout <ms>', "udp://: a client's session ends after this long without a datagram (default 60000)", positiveInt)
    .option('--max-sessions <n>', 'udp://: sessions open at once; datagrams from further clients are dropped (default 1000)', positiveInt)
    .option('--pcapng <file>', 'when stopped, write all traffic as a pcapng capture (Wireshark)')
    .option('--jsonl <file>', 'when stopped, write the whole log as JSON Lines')
    .addHelpText('after', help)
    .action(
      async (
        listen: SocketUrl | undefined,
        upstream: SocketUrl | undefined,
        raw: Omit<ProxyOptions, 'api'> & { api?: true | { host: string; port: number } },
        command: Command,
      ) => {
        const options: ProxyOptions = { ...raw, api: raw.api === true ? DEFAULT_TOXIPROXY_API : raw.api };
        if (listen && !upstream) throw new Error('Give the upstream too: sockscope proxy <listen-url> <upstream-url>');
        if (listen && upstream && (listen.protocol === 'udp') !== (upstream.protocol === 'udp')) {
          throw new Error('A udp:// proxy forwards to a udp:// upstream, and a tcp:// or tls:// one to tcp:// or tls://');
        }
        if (!listen && !options.api) throw new Error('Give a listen and an upstream URL, or --api to serve only the Toxiproxy API');
        const tls = listen && upstream ? await proxyTlsInput(command, listen, upstream, raw) : {};
        const core = createCore();
        let api: ToxiproxyApi | undefined;
        try {
          // Every proxy's traffic, those the Toxiproxy API makes included (with --api alone too).
          printLogs(core, options, terminal);
          if (listen && upstream) await startProxy(core, listen, upstream, { ...options, ...tls }, terminal);
          if (options.api) {
            api = await startToxiproxyApi(core.engine, options.api);
            terminal.note(`Toxiproxy API on ${api.url}`);
          }
        } catch (error) {
          await core.dispose();
          throw error;
        }
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void finish(core, api, options, terminal).then(
            (code) => process.exit(code),
            () => process.exit(1),
          );
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      },
    );
}

async function startProxy(
  core: Core,
  listen: SocketUrl,
  upstream: SocketUrl,
  options: ProxyOptions & { listenTls?: TlsListenOptions; upstreamTls?: TlsClientOptions },
  terminal: Terminal,
): Promise<void> {
  const created = await invoke(core, 'proxy.create', {
    name: options.name,
    host: listen.host,
    port: listen.port,
    upstreamHost: upstream.host,
    upstreamPort: upstream.port,
    onUpstreamFailure: options.resetOnFailure ? 'reset' : 'close',
    toxics: options.toxic,
    protocol: listen.protocol === 'udp' ? 'udp' : 'tcp',
    ...(listen.protocol === 'udp' && { udp: { idleTimeoutMs: options.idleTimeout, maxSessions: options.maxSessions } }),
    listenTls: options.listenTls,
    upstreamTls: options.upstreamTls,
  });
  const port = core.engine.info(created.id).local?.port ?? listen.port;
  const files = [options.pcapng, options.jsonl].filter((file) => file !== undefined);
  terminal.note(
    `Proxying ${formatSocketUrl({ ...listen, port })} → ${formatSocketUrl(upstream)}. Ctrl-C stops${files.length > 0 ? ` and writes ${files.join(' and ')}` : ''}.`,
  );
}

/** Prints every proxy's and conversation's log as it grows. */
function printLogs(core: Core, options: ProxyOptions, terminal: Terminal): void {
  const style = entryStyle(options, terminal.color);
  followLogs(
    core,
    () => true,
    (socket, entry) => {
      // Each conversation's own log says it was accepted, with all its ends.
      if (socket.kind === 'proxy' && entry.dir === 'event' && entry.event === 'accepted') return;
      const line = formatEntry(socket, asServerSide(socket, entry), style);
      // Events give the app's advice ("Turn off “Verify certificate”"): in the terminal, the flags that do it.
      terminal.out(entry.dir === 'event' ? inCliTerms(line) : line);
    },
  );
}

/**
 * A conversation's bytes are shown against the server: ↑ TX to it (what the client sent, as it
 * went on past any toxics), ↓ RX from it (what came back, as it reached the client), as a client
 * of that server would see them.
 */
function asServerSide(socket: SocketInfo, entry: LogEntry): LogEntry {
  const server = socket.conversation?.upstreamRemote;
  return socket.kind === 'proxy-conversation' && entry.dir !== 'event' && server ? { ...entry, peer: server } : entry;
}

async function finish(core: Core, api: ToxiproxyApi | undefined, options: ProxyOptions, terminal: Terminal): Promise<number> {
  let code = 0;
  await api?.close();
  const outputs = [
    { file: options.pcapng, format: 'pcapng' as const, one: 'packet', many: 'packets' },
    { file: options.jsonl, format: 'jsonl' as const, one: 'log entry', many: 'log entries' },
  ];
  for (const { file, format, one, many } of outputs) {
    if (file === undefined) continue;
    try {
      const exported = await invoke(core, 'log.export', { format });
      await writeFile(file, exported.data);
      terminal.note(`Wrote ${file}: ${exported.records} ${exported.records === 1 ? one : many} (${formatBytes(exported.data.byteLength)})`);
    } catch (error) {
      terminal.note(`sockscope: could not write ${file}: ${error instanceof Error ? error.message : String(error)}`);
      code = 1;
    }
  }
  await core.dispose();
  return code;
}

function proxyUrl(text: string, listen: boolean): SocketUrl {
  return parseSocketUrl(text, { portZero: listen });
}

function positiveInt(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new InvalidArgumentError('Expected a whole number, at least 1.');
  return Number(text);
}

function collectToxic(text: string, previous: ToxicInput[]): ToxicInput[] {
  try {
    return [...previous, parseToxicSpec(text)];
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}
