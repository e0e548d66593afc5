/**
 * What `sockscope send` sends: a payload argument, or a file (or standard input) read in chunks
 * as it goes out, so a file of any size streams over TCP without being held in memory. Whatever
 * can be refused is refused here, before anything connects: a missing file, a folder, a datagram
 * larger than UDP allows.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { MAX_SEND_BYTES } from '@shared/contract';
import { fileProblem } from '../main/file-problems';
import { encodePayload } from '@shared/macro-payload';

/** The largest UDP payload: 65,535 less the IPv4 (20) and UDP (8) headers; IPv6's header is outside its length field. */
export const MAX_DATAGRAM_BYTES = { IPv4: 65_507, IPv6: 65_527 } as const;

/** How much of a file goes to the engine per send: the log keeps each as one entry. */
const CHUNK_BYTES = 1024 * 1024;

export interface PayloadFlags {
  hex?: boolean;
  base64?: boolean;
  file?: string;
}

export interface SendSource {
  /** Known before sending for a payload or a regular file; unknown for standard input. */
  size: number | undefined;
  /** Where it comes from, for messages: `request.bin`, `standard input`, `the payload`. */
  name: string;
  chunks(): AsyncIterable<Uint8Array<ArrayBuffer>>;
  /** Releases the file if the chunks were never read to the end. */
  close(): Promise<void>;
}

/** The payload or the opened file; throws the sentence to show when neither can be sent. */
export async function openSource(payload: string | undefined, flags: PayloadFlags): Promise<SendSource> {
  const chosen = [flags.hex && '--hex', flags.base64 && '--base64', flags.file !== undefined && '--file'].filter(Boolean);
  if (chosen.length > 1) throw new Error(`Choose one of ${chosen.join(' and ')}`);
  if (flags.file !== undefined) {
    if (payload !== undefined) throw new Error('Give the payload as an argument or with --file, not both');
    return flags.file === '-' ? stdinSource() : fileSource(flags.file);
  }
  if (payload === undefined) throw new Error('Nothing to send: give a payload, or --file <path>');
  const format = flags.hex ? 'hex' : flags.base64 ? 'base64' : 'text';
  const parsed = encodePayload(payload, format);
  if (!parsed.ok) throw new Error(`The payload is not valid ${format}: ${parsed.message}`);
  const bytes = new Uint8Array(parsed.bytes);
  if (bytes.byteLength > MAX_SEND_BYTES)
    throw new Error(`A payload argument is limited to ${MAX_SEND_BYTES / (1024 * 1024)} MiB: use --file for more`);
  return {
    size: bytes.byteLength,
    name: 'the payload',
    chunks: async function* () {
      yield bytes;
    },
    close: async () => undefined,
  };
}

async function fileSource(path: string): Promise<SendSource> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new Error(`Cannot read ${path}: ${fileProblem(error, path, 'read')}`, { cause: error });
  }
  const stats = await handle.stat();
  if (stats.isDirectory()) {
    await handle.close();
    throw new Error(`Cannot read ${path}: it is a folder`);
  }
  return {
    // A pipe or a device has no size up front; it is streamed all the same.
    size: stats.isFile() ? stats.size : undefined,
    name: path,
    chunks: () => handle.createReadStream({ highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer<ArrayBuffer>>,
    close: () => handle.close().catch(() => undefined),
  };
}

function stdinSource(): SendSource {
  return {
    size: undefined,
    name: 'standard input',
    chunks: () => process.stdin as AsyncIterable<Buffer<ArrayBuffer>>,
    close: async () => undefined,
  };
}

/** A whole datagram from `source`, refused (before anything is bound) past what UDP carries. */
export async function datagramOf(source: SendSource, family: 'IPv4' | 'IPv6'): Promise<Uint8Array<ArrayBuffer>> {
  const limit = MAX_DATAGRAM_BYTES[family];
  const tooLarge = (size: string): Error =>
    new Error(
      `A datagram of ${size} is larger than UDP allows (${limit.toLocaleString('en-US')} on ${family}): ` +
        `${source.name === 'the payload' ? 'the payload' : source.name} cannot go as one. Send it over tcp:// instead.`,
    );
  if (source.size !== undefined && source.size > limit) {
    await source.close();
    throw tooLarge(`${source.size.toLocaleString('en-US')} bytes`);
  }
  const pieces: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of source.chunks()) {
      length += chunk.byteLength;
      if (length > limit) break;
      pieces.push(chunk);
    }
  } catch (error) {
    throw new Error(`Cannot read ${source.name}: ${fileProblem(error, source.name, 'read')}`, { cause: error });
  } finally {
    await source.close();
  }
  if (length > limit) throw tooLarge(`more than ${limit.toLocaleString('en-US')} bytes`);
  return new Uint8Array(Buffer.concat(pieces, length));
}
