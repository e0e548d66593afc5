/**
 * A direction's direct path, with real sockets: what passes through in a turn is written at its
 * end, past the destination's Writable, so what pushes back on the source is a write the kernel
 * does not take at once. A reader that stops must stop the source being read, and every byte
 * still arrives, in order, once it reads again; borrowed reads go out as they were read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../engine/test-support/wait-for';
import { DirectionPipe, HIGH_WATER } from './pipe';
import { useSocketPairs } from './test-support';

const socketPair = useSocketPairs();

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('a direction writing bytes of its own', () => {
  it('stops reading its source while the destination does not take more, and loses nothing', async () => {
    const [sender, source] = await socketPair();
    const [dest, reader] = await socketPair();
    reader.pause();
    const noHooks = { forwarded: () => {}, destination: 'the server', endForwarded: () => {}, heldChanged: () => {}, note: () => {} };
    // A plain socket reads into fresh buffers of Node's: bytes the pipe owns, never a lent view.
    const pipe = new DirectionPipe('upstream', source, dest, noHooks);
    source.on('data', (chunk: Buffer) => pipe.accept(chunk));
    source.on('end', () => pipe.acceptEnd());
    pipe.start();
    const sent = randomBytes(32 * 1024 * 1024);
    let offset = 0;
    const writeMore = (): void => {
      while (offset < sent.byteLength) {
        const piece = sent.subarray(offset, offset + 1000);
        offset += piece.byteLength;
        if (!sender.write(piece)) return void sender.once('drain', writeMore);
      }
      sender.end();
    };
    writeMore();
    // The destination's buffer passes its high-water mark: the source is not read meanwhile, so
    // what waits in the proxy stays bounded and the rest backs up in the kernel towards the sender.
    await waitFor(() => source.isPaused(), 'the source to be paused', 20_000);
    expect(dest.writableLength).toBeLessThan(HIGH_WATER);
    expect(offset).toBeLessThan(sent.byteLength);
    const received: Buffer[] = [];
    reader.on('data', (chunk: Buffer) => received.push(chunk));
    const ended = new Promise<void>((resolve) => reader.once('end', () => resolve()));
    reader.resume();
    await ended;
    expect(sha(Buffer.concat(received))).toBe(sha(sent));
  }, 60_000);

  it('writes borrowed reads as they were read, before a FIN sent in the same turn', async () => {
    const [, source] = await socketPair();
    const [dest, far] = await socketPair();
    const noHooks = { forwarded: () => {}, destination: 'the server', endForwarded: () => {}, heldChanged: () => {}, note: () => {} };
    const pipe = new DirectionPipe('downstream', source, dest, noHooks);
    pipe.start();
    let text = '';
    far.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const ended = new Promise<void>((resolve) => far.once('end', () => resolve()));
    // Views into a buffer the next read reuses, as own-read-buffer.ts hands them over.
    const shared = Buffer.alloc(64);
    const read = (message: string): void => {
      const size = shared.write(message);
      pipe.read(new Uint8Array(shared.buffer, shared.byteOffset, size), false);
      shared.fill(0);
    };
    read('+PONG\r\n');
    read('+OK\r\n');
    // What a conversation does before it ends a side itself (cut, close).
    pipe.flush();
    dest.end();
    await ended;
    expect(text).toBe('+PONG\r\n+OK\r\n');
  });
});
