import { type Command, InvalidArgumentError } from 'commander';
import { formatBytes } from '@shared/codec';
import type { LogEntry } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import { createCore, type Core } from '../../main/core';
import { resolveHost } from '../../main/engine/endpoint';
import { formatDuration, toEngineError } from '../../main/engine/errors';
import { formatSocketUrl, parseSocketUrl, type SocketUrl } from '../endpoint-url';
import { formatPayload } from '../format';
import { describeHandshake } from '../../main/engine/tls';
import { refuseInapplicable, tlsOnly } from '../scheme-options';
import { datagramOf, openSource, type PayloadFlags, type SendSource } from '../send-source';
import { addTlsClientFlags, TLS_CLIENT_FLAGS, tlsClientInput, type TlsClientFlags } from '../tls-options';
import { logPrinter } from '../log-printer';
import { followLogs, invoke, processTerminal, sleep, type Terminal, within } from '../session';

interface SendOptions extends TlsClientFlags, PayloadFlags {
  wait: number;
  timeout: number;
  hexdump?: boolean;
  quiet?: boolean;
  broadcast?: boolean;
}

/** How long a graceful TCP close may take before the command ends anyway. */
const CLOSE_WAIT_MS = 500;

/** Options that mean something for some schemes only: given for another, they are refused rather than ignored. */
const SCHEME_ONLY = { ...tlsOnly(TLS_CLIENT_FLAGS), broadcast: ['udp'] } as const;

const examples = `
Examples:
  sockscope send tcp://127.0.0.1:7000 'PING\\r\\n' --wait 500
  sockscope send udp://[::1]:9000 '01 02 ff' --hex --wait 1000 --hexdump
  sockscope send tcp://example.test:80 --file request.bin --wait 2000 > reply.bin
  sockscope send tls://localhost:8443 'GET / HTTP/1.0\\r\\n\\r\\n' --insecure --wait 2000

--file streams a file of any size over tcp:// and tls:// (read as it is sent, not loaded
first); over udp:// the whole file is one datagram, at most 65,507 bytes (IPv4) or 65,527
(IPv6), checked before anything is sent. A payload argument is at most 16 MiB.
--timeout bounds connecting and sending together: a peer that does not read makes send stop
there, say how many bytes were written, and exit 1.

Replies go to standard output as they arrive (raw bytes, or a hex dump per message with
--hexdump); what happened (connected, sent, closed) goes to standard error. While standard
output is full (a slow reader), send stops reading the TCP connection, so the peer waits
rather than memory filling up; UDP replies that arrive then are counted, not printed.
Exits with 1 when the connection or the send fails.`;

/** `sockscope send`: one message over TCP or one UDP datagram, and whatever comes back. */
export function registerSend(program: Command, terminal: Terminal = processTerminal): void {
  addTlsClientFlags(program.command('send'))
    .description('send one message over TCP, or one UDP datagram, and print the replies')
    .argument('<url>', 'where to: tcp://host:port, tls://host:port or udp://host:port (IPv6 in brackets: tcp://[::1]:8080)', (text) =>
      parseSocketUrl(text, { portZero: false }),
    )
    .argument('[payload]', 'what to send, as text with escapes \\r \\n \\t \\0 \\\\ \\xNN (quote it)')
    .option('--hex', 'the payload is hex bytes, e.g. "48 65 6c 6c 6f"')
    .option('--base64', 'the payload is base64')
    .option('-f, --file <path>', 'send the bytes of a file instead, streamed ("-" reads standard input)')
    .option('-w, --wait <ms>', 'after sending, wait this long for replies (TCP stops early when the peer closes)', parseMilliseconds, 0)
    .option('--timeout <ms>', 'give up when connecting and sending take longer than this', parseMilliseconds, 10_000)
    .option('--hexdump', 'print replies as a hex dump, one per message')
    .option('-q, --quiet', 'print nothing but the replies')
    .option('--broadcast', 'udp://: allow sending to a broadcast address (SO_BROADCAST)')
    .addHelpText('after', examples)
    .action(async (url: SocketUrl, payload: string | undefined, options: SendOptions, command: Command) => {
      refuseInapplicable(command, url, SCHEME_ONLY);
      // Opened (and for UDP, sized) before anything connects: a missing file must not leave the peer an empty connection.
      const source = await openSource(payload, options);
      const note = options.quiet ? () => undefined : terminal.note;
      const core = createCore();
      try {
        if (url.protocol !== 'udp') await sendTcp(core, url, source, options, terminal, note);
        else {
          const family = await familyOf(url);
          await sendUdp(core, url, family, await datagramOf(source, family), options, terminal, note);
        }
      } finally {
        await source.close();
        await core.dispose();
      }
    });
}

export function parseMilliseconds(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 3_600_000) {
    throw new InvalidArgumentError('Expected a whole number of milliseconds, at most 3600000 (one hour).');
  }
  return Number(value);
}

/**
 * Replies of a TCP connection to stdout. When stdout is full the connection stops reading until
 * it drains: TCP's flow control then holds the peer back, and nothing piles up in memory.
 */
function printTcpReplies(core: Core, id: string, terminal: Terminal, hexdump: boolean, onEnd: (failure?: string) => void) {
  let paused = false;
  const setReading = (reading: boolean): void => {
    try {
      core.engine.setReading(id, reading);
    } catch {
      // Gone meanwhile: nothing left to read.
    }
  };
  return (entry: LogEntry): void => {
    if (entry.dir === 'in') {
      if (!terminal.out(formatPayload(entry.bytes, hexdump)) && !paused) {
        paused = true;
        setReading(false);
        void terminal.drained().then(() => {
          paused = false;
          setReading(true);
        });
      }
    } else if (entry.dir === 'event') {
      if (entry.event === 'error' || entry.event === 'reset') onEnd(entry.message);
      else if (entry.event === 'peer-closed' || entry.event === 'closed') onEnd();
    }
  };
}

/** Sends the source chunk by chunk, each once the previous one is in the kernel; `written` counts what is. */
function streamTo(core: Core, id: string, source: SendSource): { done: Promise<void>; written(): number; cancel(): void } {
  let written = 0;
  let cancelled = false;
  const done = (async () => {
    for await (const chunk of source.chunks()) {
      if (cancelled) return;
      if (chunk.byteLength === 0) continue;
      await invoke(core, 'socket.send', { id, data: chunk });
      written += chunk.byteLength;
    }
  })();
  // After a cancel the send in flight fails with the reset: that is the expected end, not news.
  done.catch(() => undefined);
  return { done, written: () => written, cancel: () => void (cancelled = true) };
}

async function sendTcp(core: Core, url: SocketUrl, source: SendSource, options: SendOptions, terminal: Terminal, note: (text: string) => void) {
  const started = Date.now();
  // keepHalfOpen: a peer that only receives (`ncat --recv-only`) sends FIN at once; the file still goes to it.
  const socket = await invoke(core, 'tcp.connect', {
    host: url.host,
    port: url.port,
    timeoutMs: options.timeout,
    keepHalfOpen: true,
    ...(await tlsClientInput(url, options)),
  });
  note(`Connected to ${formatEndpoint(socket.remote)} from ${formatEndpoint(socket.local)}`);
  if (socket.tls) note(describeHandshake(socket.tls, 'client'));
  let ended: (failure?: string) => void = () => undefined;
  const end = new Promise<string | undefined>((resolve) => (ended = resolve));
  const print = printTcpReplies(core, socket.id, terminal, options.hexdump === true, (failure) => ended(failure));
  const stop = followLogs(
    core,
    (s) => s.id === socket.id,
    (_socket, entry) => print(entry),
  );
  try {
    const sending = streamTo(core, socket.id, source);
    const finished = await within(
      sending.done.then(() => true),
      Math.max(0, options.timeout - (Date.now() - started)),
    );
    if (finished === undefined) {
      sending.cancel();
      await invoke(core, 'socket.reset', { id: socket.id }).catch(() => undefined);
      const of = source.size === undefined ? '' : ` of ${formatBytes(source.size)}`;
      throw new Error(
        `Timed out after ${formatDuration(options.timeout)} (--timeout): ${formatBytes(sending.written())}${of} written to ${formatEndpoint(socket.remote)}, ` +
          'which is not reading fast enough; the connection was reset',
      );
    }
    note(`Sent ${formatBytes(sending.written())}`);
    const failure = await within(end, options.wait);
    if (failure !== undefined) throw new Error(failure);
    await within(invoke(core, 'socket.close', { id: socket.id }), CLOSE_WAIT_MS);
  } finally {
    stop();
  }
}

async function familyOf(url: SocketUrl): Promise<'IPv4' | 'IPv6'> {
  try {
    return (await resolveHost(url.host)).family;
  } catch (error) {
    throw toEngineError(error, { host: url.host, port: url.port });
  }
}

async function sendUdp(
  core: Core,
  url: SocketUrl,
  family: 'IPv4' | 'IPv6',
  data: Uint8Array<ArrayBuffer>,
  options: SendOptions,
  terminal: Terminal,
  note: (text: string) => void,
) {
  // The wildcard of the target's family: the system picks the address the datagram leaves from.
  const socket = await invoke(core, 'udp.bind', { host: family === 'IPv6' ? '::' : '0.0.0.0', port: 0, broadcast: options.broadcast });
  // A datagram cannot be held back like a TCP stream: while stdout is full, replies are counted instead.
  const printer = logPrinter(terminal, { sayWhenCaughtUp: false });
  const stop = followLogs(
    core,
    (s) => s.id === socket.id,
    (_socket, entry) => {
      if (entry.dir !== 'in') return;
      printer.print(() => {
        note(`Received ${formatBytes(entry.bytes.byteLength)} from ${formatEndpoint(entry.peer)}`);
        return formatPayload(entry.bytes, options.hexdump === true);
      });
    },
  );
  try {
    const sent = await invoke(core, 'socket.send', { id: socket.id, data, target: { host: url.host, port: url.port } });
    note(`Sent ${formatBytes(sent.bytes)} to ${formatSocketUrl(url)} from port ${socket.local?.port ?? '?'}`);
    await sleep(options.wait);
  } finally {
    stop();
  }
  const unprinted = printer.skipped;
  if (unprinted > 0) note(`${unprinted} ${unprinted === 1 ? 'reply was' : 'replies were'} not printed: standard output was not keeping up`);
}
