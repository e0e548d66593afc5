/**
 * The proxy's fast path with real sockets: bytes read into a socket's own buffer are written on
 * without a copy, so a write the kernel does not take at once must keep the next read out of
 * that buffer. Random bytes both ways through slow readers show any byte overwritten on its way.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loggedBytes } from '../engine/test-support/engine-log';
import { waitFor } from '../engine/test-support/wait-for';
import { createProxy, startRecordingServer, useTestbed } from './test-support';

const bed = useTestbed();
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('a TCP proxy under backpressure', () => {
  it('carries 16 MiB of random bytes each way byte-exact while both readers keep stopping', async () => {
    const size = 16 * 1024 * 1024;
    const sent = randomBytes(size);
    // The server echoes, stopping now and then: client → server backs up into the proxy too.
    const { port: upstream } = await startRecordingServer((socket) => {
      let reads = 0;
      socket.on('data', (chunk: Buffer) => {
        if (!socket.write(chunk) || ++reads % 7 === 0) {
          socket.pause();
          setTimeout(() => socket.resume(), 2);
        }
      });
      socket.on('end', () => socket.end());
    });
    const proxy = await createProxy(bed, upstream);
    const received: Buffer[] = [];
    let receivedBytes = 0;
    await new Promise<void>((resolve, reject) => {
      const client = connect({ port: proxy.port, host: '127.0.0.1' }, () => {
        // Odd write sizes: reads on the way end anywhere, not on 64 KiB boundaries.
        let offset = 0;
        const writeMore = (): void => {
          while (offset < size) {
            const piece = sent.subarray(offset, offset + 100_003);
            offset += piece.byteLength;
            if (!client.write(piece)) return void client.once('drain', writeMore);
          }
          client.end();
        };
        writeMore();
      });
      let reads = 0;
      client.on('data', (chunk: Buffer) => {
        received.push(chunk);
        receivedBytes += chunk.byteLength;
        if (++reads % 5 === 0) {
          client.pause();
          setTimeout(() => client.resume(), 3);
        }
      });
      client.on('error', reject);
      client.on('close', () => resolve());
    });
    expect(receivedBytes).toBe(size);
    expect(sha(Buffer.concat(received))).toBe(sha(sent));
    const id = bed.engine.snapshot().sockets.find((s) => s.kind === 'proxy-conversation')?.id ?? '';
    await waitFor(() => bed.engine.info(id).state === 'closed', 'the conversation to close');
    // The log keeps copies made when each read arrived: the last bytes each way are the ones sent.
    const tail = sent.subarray(size - 1024);
    expect(loggedBytes(bed.engine, id, 'out').subarray(-1024).equals(tail)).toBe(true);
    expect(loggedBytes(bed.engine, id, 'in').subarray(-1024).equals(tail)).toBe(true);
  }, 60_000);
});
