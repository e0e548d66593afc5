import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '@shared/contract';
import { Engine } from './engine';
import { FOLD_MS } from './notice-coalescer';
import { logEvents } from './test-support/engine-log';
import { startChild, stopPeers } from './test-support/peers';
import { waitFor } from './test-support/wait-for';

let engine: Engine;

afterEach(async () => {
  await engine.dispose();
  await stopPeers();
});

/** Sends `chunks` × 64 KiB and never reads a byte of what comes back. */
const NON_READING_PEER = `
import socket, sys, time
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
print('connected', flush=True)
chunk = b'x' * 65536
for _ in range(int(sys.argv[2])):
    s.sendall(chunk)
print('sent', flush=True)
time.sleep(60)
`;

/** How many notices a line stands for: 1, or the ×N it ends with. */
function timesSaid(message: string): number {
  const folded = / ×([\d,]+)$/.exec(message);
  return folded ? Number(folded[1].replaceAll(',', '')) : 1;
}

describe('repeated notices', () => {
  it('an echo to a peer that never reads logs "Auto-reply not sent" once a second with a count, not once a message', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    engine.setAutoReply(commands['autoReply.set'].input.parse({ id: listener.id, echo: true, rules: [] }));
    // 160 MiB: the first 64 MiB of echoes fill the connection's send queue, the rest are refused.
    const chunks = 2560;
    const started = performance.now();
    const peer = await startChild('python3', ['-c', NON_READING_PEER, String(listener.local?.port), String(chunks)], /connected/);
    await waitFor(() => engine.snapshot().sockets.some((s) => s.kind === 'tcp-connection'), 'the connection');
    const connection = engine.snapshot().sockets.find((s) => s.kind === 'tcp-connection');
    const id = connection?.id ?? '';
    await waitFor(() => engine.info(id).bytesIn === chunks * 65536, 'all 160 MiB received', 60_000);
    const seconds = (performance.now() - started) / 1000;
    // The last count is logged a second after the last refusal.
    await new Promise((resolve) => setTimeout(resolve, FOLD_MS + 300));
    expect(peer.stdout().toString()).toContain('sent');

    const lines = logEvents(engine, id).filter((e) => e.message.startsWith('Auto-reply not sent'));
    const refusals = lines.reduce((sum, line) => sum + timesSaid(line.message), 0);
    const info = engine.info(id);
    // Every echo either went into the send queue (logged as sent once the kernel takes it), is
    // still queued, or was refused: the refusals are all accounted for in the lines' counts.
    const echoes = engine.info(listener.id).autoReply?.echoHits ?? 0;
    // One echo a read, of up to 64 KiB (a stream is read straight into its log, read-buffer.ts):
    // the ~90 MiB past the queue's bound are some 350 to 1,400 refusals.
    expect(refusals).toBeGreaterThan(200);
    expect(refusals).toBeLessThanOrEqual(echoes - info.messagesOut);
    // At most one line as it starts, then one a second (with a little slack for a busy machine).
    expect(lines.length).toBeLessThanOrEqual(Math.ceil(seconds) + 3);
    expect(lines.length * 20).toBeLessThan(refusals);
    expect(lines[0].message).toMatch(/^Auto-reply not sent: Cannot send: .* are still waiting for the peer/);
    expect(lines.at(-1)?.message).toMatch(/ ×[\d,]+$/);
    expect(lines[0].code).toBe('QUEUE_FULL');
  }, 90_000);
});
