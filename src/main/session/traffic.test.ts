import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../engine/engine';
import { connectClient, stopPeers } from '../engine/test-support/peers';
import { floodUdp } from '../engine/test-support/udp-flood';
import { waitFor } from '../engine/test-support/wait-for';
import { FramingService } from '../framing/service';
import { SESSION_FILE } from './schema';
import { SessionService } from './service';
import { SessionStore } from './store';

let dir: string;
let engine: Engine | undefined;
let service: SessionService | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sockscope-session-traffic-'));
});

afterEach(async () => {
  await service?.dispose();
  await engine?.dispose();
  service = engine = undefined;
  await stopPeers();
  rmSync(dir, { recursive: true, force: true });
});

describe('the saved workspace under traffic', () => {
  it('is not serialized again for counters or accepted connections, only for a settings change', async () => {
    engine = new Engine();
    const framing = new FramingService(engine);
    const debounceMs = 20;
    const sessions = (service = new SessionService(engine, framing, new SessionStore(dir), { debounceMs }));
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    engine.setAutoReply({ id: udp.id, echo: true, rules: [], framing: { mode: 'raw' } });
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    await sessions.settled();
    // Each save starts by taking the workspace as it is now (`current`): that is what is counted.
    const serialized = vi.spyOn(sessions, 'current');

    const count = 2000;
    await floodUdp(udp.local?.port ?? 0, count, 'hello');
    const accounted = (): number => (engine?.info(udp.id).messagesIn ?? 0) + (engine?.info(udp.id).kernelDrops ?? 0);
    await waitFor(() => accounted() === count, `${count} datagrams accounted for`, 10_000);
    for (let i = 0; i < 3; i++) {
      const client = await connectClient(listener.local?.port ?? 0);
      client.socket.end('hi');
    }
    await waitFor(() => engine?.snapshot().sockets.filter((s) => s.kind === 'tcp-connection' && s.bytesIn === 2).length === 3, 'the connections');
    await new Promise((resolve) => setTimeout(resolve, debounceMs * 5));
    await sessions.settled();
    expect(serialized).not.toHaveBeenCalled();

    framing.set({ id: udp.id, framing: { mode: 'delimiter', delimiter: [10] } });
    await waitFor(() => serialized.mock.calls.length > 0, 'the settings change to be saved');
    await sessions.settled();
    expect(serialized).toHaveBeenCalledTimes(1);
    expect(readFileSync(join(dir, SESSION_FILE), 'utf8')).toContain('"delimiter"');
  });
});
