/**
 * Writes past a socket's Writable (handle-writes.ts), with real sockets: the kernel takes small
 * writes at once; when the reader stops, a write is left pending and reported settled once the
 * reader takes it, and everything arrives byte-exact and in order with the socket's own writes
 * and its FIN.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../engine/test-support/wait-for';
import { HandleWriter } from './handle-writes';
import { useSocketPairs } from './test-support';

const socketPair = useSocketPairs();

/** Everything `reader` receives until its peer's FIN. */
function receiveAll(reader: Socket): Promise<Buffer> {
  const received: Buffer[] = [];
  reader.on('data', (chunk: Buffer) => received.push(chunk));
  return new Promise((resolve) => reader.once('end', () => resolve(Buffer.concat(received))));
}

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('writes past the Writable', () => {
  it('takes small writes at once, one at a time or several together', async () => {
    const [writer, reader] = await socketPair();
    const received = receiveAll(reader);
    const handle = new HandleWriter(writer, () => undefined);
    expect(handle.write([Buffer.from('PING\r\n')])).toBe('written');
    expect(handle.write([Buffer.from('SET a 1\r\n'), new Uint8Array(Buffer.from('GET a\r\n'))])).toBe('written');
    expect(handle.pending).toBe(0);
    writer.end();
    expect((await received).toString()).toBe('PING\r\nSET a 1\r\nGET a\r\n');
  });

  it("leaves a write pending while the reader stops, says when it settles, and keeps the order with the socket's own writes and FIN", async () => {
    const [writer, reader] = await socketPair();
    reader.pause();
    let settled = 0;
    const handle = new HandleWriter(writer, () => settled++);
    const sent: Buffer[] = [];
    // Until the kernel's buffers towards the stopped reader are full: that write stays pending.
    for (let i = 0; i < 10_000 && handle.pending === 0; i++) {
      const chunk = randomBytes(64 * 1024);
      sent.push(chunk);
      expect(handle.write([chunk])).not.toBe('unavailable');
    }
    expect(handle.pending).toBe(1);
    // Written after it through the socket, and its FIN: both wait behind the pending write.
    const tail = randomBytes(1000);
    writer.write(tail);
    writer.end();
    const received = receiveAll(reader);
    reader.resume();
    expect(sha(await received)).toBe(sha(Buffer.concat([...sent, tail])));
    await waitFor(() => settled === 1, 'the pending write to settle', 5000);
    expect(handle.pending).toBe(0);
  });

  it('leaves a socket whose Writable holds bytes to its own write()', async () => {
    const [writer, reader] = await socketPair();
    const received = receiveAll(reader);
    const handle = new HandleWriter(writer, () => undefined);
    writer.cork();
    writer.write('first ');
    expect(handle.write([Buffer.from('second')])).toBe('unavailable');
    writer.write('second');
    writer.uncork();
    writer.end();
    expect((await received).toString()).toBe('first second');
  });
});
