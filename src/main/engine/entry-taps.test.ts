import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogEntry } from '@shared/contract';
import { Engine } from './engine';

let engine: Engine | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await engine?.dispose();
  engine = undefined;
});

const summary = (entry: LogEntry): string =>
  entry.dir === 'event' ? `${entry.seq} ${entry.message}` : `${entry.seq} ${entry.dir} ${entry.bytes.byteLength}`;

describe('entry taps', () => {
  it('see every entry as it is made, those the bounds drop on arrival included, until taken off', () => {
    engine = new Engine({ log: { maxBytes: 8 } });
    const seen: string[] = [];
    const untap = engine.tap((record, entry) => seen.push(`${record.id} ${summary(entry)}`));
    const imported = engine.importLog({}, (log) => {
      log.appendData('in', new Uint8Array(4));
      log.appendData('out', new Uint8Array(100)); // larger than the log may hold: dropped on arrival
      log.appendEvent('info', 'a notice');
      untap();
      log.appendData('in', new Uint8Array(2));
    });
    expect(seen).toEqual([`${imported.id} 0 in 4`, `${imported.id} 1 out 100`, `${imported.id} 2 a notice`]);
    expect(engine.readLog(imported.id, 0, 10).head).toMatchObject({ firstSeq: 2, nextSeq: 4 });
  });

  it('take off a tap that throws; the others and the log carry on', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    engine = new Engine();
    let broken = 0;
    const seen: number[] = [];
    engine.tap(() => {
      broken++;
      throw new Error('broken tap');
    });
    engine.tap((_record, entry) => seen.push(entry.seq));
    const imported = engine.importLog({}, (log) => {
      log.appendData('in', new Uint8Array(1));
      log.appendEvent('info', 'still logged');
    });
    expect(broken).toBe(1);
    expect(seen).toEqual([0, 1]);
    expect(error).toHaveBeenCalledWith(expect.stringContaining(`A log tap failed on ${imported.id}`), expect.any(Error));
    expect(engine.readLog(imported.id, 0, 10).entries).toHaveLength(2);
  });
});
