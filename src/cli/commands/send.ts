import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { formatBytes } from '../../shared/codec';
import type { LogEntry } from '../../shared/contract';
import { formatEndpoint } from '../../shared/endpoint';
import { encodePayload } from '../../shared/macro-payload';
import { createCore, type Core } from '../../main/core';
import { resolveHost } from '../../main/engine/endpoint';
import { toEngineError } from '../../main/engine/errors';
import { formatSocketUrl, parseSocketUrl, type SocketUrl } from '../endpoint-url';
import { formatPayload } from '../format';
import { describeHandshake } from '../../main/engine/tls';
import { addTlsClientFlags, tlsClientInput, type TlsClientFlags } from '../tls-options';
import { followLogs, invoke, processTerminal, sleep, type Terminal, within } from '../session';

interface SendOptions extends TlsClientFlags {
  hex?: boolean;
  base64?: boolean;
  file?: string;
  wait: number;
  timeout: number;
  hexdump?: boolean;
  quiet?: boolean;
  broadcast?: boolean;
}

/** How long a graceful TCP close may take before the command ends anyway. */
const CLOSE_WAIT_MS = 500;

const examples = `
Examples:
  sockscope send tcp://127.0.0.1:7000 'PING\\r\\n' --wait 500
  sockscope send udp://[::1]:9000 '01 02 ff' --hex --wait 1000 --hexdump
  sockscope send tcp://example.test:80 --file request.bin --wait 2000 > reply.bin
  sockscope send tls://localhost:8443 'GET / HTTP/1.0\r\n\r\n' --insecure --wait 2000

Replies go to standard output as they arrive (raw bytes, or a hex dump per message with
--hexdump); what happened (connected, sent, closed) goes to standard error. Exits with 1 when
the connection or the send fails.`;

/** `sockscope send`: one message over TCP or one UDP datagram, and whatever comes back. */
export function registerSend(program: Command, terminal: Terminal = processTerminal): void {
  addTlsClientFlags(program.command('send'))
    .description('send one message over TCP, or one UDP datagram, and print the replies')
    .argument('<url>', 'where to: tcp://host:port or udp://host:port (IPv6 in brackets: tcp://[::1]:8080)', (text) =>
      parseSocketUrl(text, { portZero: false }),
    )
    .argument('[payload]', 'what to send, as text with escapes \\r \\n \\t \\0 \\\\ \\xNN (quote it)')
    .option('--hex', 'the payload is hex bytes, e.g. "48 65 6c 6c 6f"')
    .option('--base64', 'the payload is base64')
    .option('-f, --file <path>', 'send the bytes of a file instead ("-" reads standard input)')
    .option('-w, --wait <ms>', 'wait this long for replies (TCP stops early when the peer closes)', parseMilliseconds, 0)
    .option('--timeout <ms>', 'give up connecting (TCP) after this long', parseMilliseconds, 10_000)
    .option('--hexdump', 'print replies as a hex dump, one per message')
    .option('-q, --quiet', 'print nothing but the replies')
    .option('--broadcast', 'UDP: allow sending to a broadcast address (SO_BROADCAST)')
    .addHelpText('after', examples)
    .action(async (url: SocketUrl, payload: string | undefined, options: SendOptions) => {
      const data = await payloadBytes(payload, options);
      const note = options.quiet ? () => undefined : terminal.note;
      const core = createCore();
      try {
        if (url.protocol !== 'udp') await sendTcp(core, url, data, options, terminal, note);
        else await sendUdp(core, url, data, options, terminal, note);
      } finally {
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

async function payloadBytes(payload: string | undefined, options: SendOptions): Promise<Uint8Array<ArrayBuffer>> {
  const chosen = [options.hex && '--hex', options.base64 && '--base64', options.file !== undefined && '--file'].filter(Boolean);
  if (chosen.length > 1) throw new Error(`Choose one of ${chosen.join(' and ')}`);
  if (options.file !== undefined) {
    if (payload !== undefined) throw new Error('Give the payload as an argument or with --file, not both');
    try {
      return new Uint8Array(options.file === '-' ? await readStdin() : await readFile(options.file));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
      throw new Error(`Cannot read ${options.file === '-' ? 'standard input' : options.file}: ${reason}`, { cause: error });
    }
  }
  if (payload === undefined) throw new Error('Nothing to send: give a payload, or --file <path>');
  const parsed = encodePayload(payload, options.hex ? 'hex' : options.base64 ? 'base64' : 'text');
  if (!parsed.ok) throw new Error(`The payload is not valid ${options.hex ? 'hex' : options.base64 ? 'base64' : 'text'}: ${parsed.message}`);
  return new Uint8Array(parsed.bytes);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** What a follower learns from the log: replies to print, and whether the connection ended. */
function printReplies(terminal: Terminal, hexdump: boolean, onEnd: (failure?: string) => void) {
  return (entry: LogEntry): void => {
    if (entry.dir === 'in') terminal.out(formatPayload(entry.bytes, hexdump));
    else if (entry.dir === 'event') {
      if (entry.event === 'error' || entry.event === 'reset') onEnd(entry.message);
      else if (entry.event === 'peer-closed' || entry.event === 'closed') onEnd();
    }
  };
}

async function sendTcp(core: Core, url: SocketUrl, data: Uint8Array<ArrayBuffer>, options: SendOptions, terminal: Terminal, note: (text: string) => void) {
  const socket = await invoke(core, 'tcp.connect', { host: url.host, port: url.port, timeoutMs: options.timeout, ...(await tlsClientInput(url, options)) });
  note(`Connected to ${formatEndpoint(socket.remote)} from ${formatEndpoint(socket.local)}`);
  if (socket.tls) note(describeHandshake(socket.tls, 'client'));
  let ended: (failure?: string) => void = () => undefined;
  const end = new Promise<string | undefined>((resolve) => (ended = resolve));
  const print = printReplies(terminal, options.hexdump === true, (failure) => ended(failure));
  const stop = followLogs(core, (s) => s.id === socket.id, (_socket, entry) => print(entry));
  try {
    const sent = await invoke(core, 'socket.send', { id: socket.id, data });
    note(`Sent ${formatBytes(sent.bytes)}`);
    const failure = await within(end, options.wait);
    if (failure !== undefined) throw new Error(failure);
    await within(invoke(core, 'socket.close', { id: socket.id }), CLOSE_WAIT_MS);
  } finally {
    stop();
  }
}

async function sendUdp(core: Core, url: SocketUrl, data: Uint8Array<ArrayBuffer>, options: SendOptions, terminal: Terminal, note: (text: string) => void) {
  let family: 'IPv4' | 'IPv6';
  try {
    ({ family } = await resolveHost(url.host));
  } catch (error) {
    throw toEngineError(error, { host: url.host, port: url.port });
  }
  // The wildcard of the target's family: the system picks the address the datagram leaves from.
  const socket = await invoke(core, 'udp.bind', { host: family === 'IPv6' ? '::' : '0.0.0.0', port: 0, broadcast: options.broadcast });
  const stop = followLogs(core, (s) => s.id === socket.id, (_socket, entry) => {
    if (entry.dir !== 'in') return;
    note(`Received ${formatBytes(entry.bytes.byteLength)} from ${formatEndpoint(entry.peer)}`);
    terminal.out(formatPayload(entry.bytes, options.hexdump === true));
  });
  try {
    const sent = await invoke(core, 'socket.send', { id: socket.id, data, target: { host: url.host, port: url.port } });
    note(`Sent ${formatBytes(sent.bytes)} to ${formatSocketUrl(url)} from port ${socket.local?.port ?? '?'}`);
    await sleep(options.wait);
  } finally {
    stop();
  }
}
