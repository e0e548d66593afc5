/**
 * `POST /import`'s reader (importLogStream) on files that are large in the wrong ways: one line
 * without end, and many sockets whose logs together exceed the process-wide log budget.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../core';
import { logBudget } from '../engine/log-budget';
import { importLogStream, MAX_LINE_CHARS } from './import-jsonl';
import { entryLine, headerLine, socketLine } from './jsonl';

let core: Core;
let budget: number;

beforeEach(() => {
  core = createCore();
  budget = logBudget.limitBytes;
});

afterEach(async () => {
  logBudget.setLimit(budget);
  await core.dispose();
});

describe('importing a stream', () => {
  it('refuses a line longer than any log line, reading it once (not again for every chunk)', async () => {
    const piece = Buffer.alloc(1024 * 1024, 'a');
    const chunks = Math.ceil(MAX_LINE_CHARS / piece.byteLength) + 2;
    async function* file(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${headerLine(1, new Date())}\n{"type":"socket","x":"`);
      for (let i = 0; i < chunks; i++) yield piece;
    }
    await expect(importLogStream(core.engine, 'long.jsonl', Readable.from(file()))).rejects.toThrow(
      /long\.jsonl: line 2 is longer than any line of a Sockscope log \([\d,]+ characters\): the file is not a JSON Lines export, or is damaged/,
    );
    expect(core.engine.snapshot().sockets).toHaveLength(0);
  }, 60_000);

  it('holds many sockets within the process-wide log budget while it reads them, not only after', async () => {
    logBudget.setLimit(16 * 1024 * 1024);
    const sockets = 12;
    const perSocket = 10 * 1024 * 1024;
    const payload = new Uint8Array(64 * 1024).fill(7);
    const info = (id: string) => ({
      id,
      kind: 'tcp-connection',
      state: 'closed',
      bytesIn: perSocket,
      bytesOut: 0,
      messagesIn: 0,
      messagesOut: 0,
      queuedBytes: 0,
      createdAt: 1,
    });
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = 0;
    async function* file(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${headerLine(sockets, new Date())}\n`);
      for (let s = 0; s < sockets; s++) yield Buffer.from(`${socketLine(info(`con-${s}`) as never, 0)}\n`);
      for (let seq = 0; seq < perSocket / payload.byteLength; seq++) {
        // Measured as the file is read (an import turns no timers while its lines come in).
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
        for (let s = 0; s < sockets; s++) yield Buffer.from(`${entryLine(`con-${s}`, { seq, time: 2 + seq, dir: 'in', bytes: payload })}\n`);
      }
    }
    const imported = await importLogStream(core.engine, 'many.jsonl', Readable.from(file()));
    expect(imported.sockets).toHaveLength(sockets);
    const held = imported.sockets.reduce((total, socket) => total + core.engine.readLog(socket.id, 0, 0).head.bytes, 0);
    expect(held).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(imported.sockets.every((socket) => core.engine.readLog(socket.id, 0, 0).head.dropped > 0)).toBe(true);
    // 120 MiB were read: only about the budget's worth was ever held.
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  }, 120_000);
});
