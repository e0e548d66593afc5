/**
 * What "every log is intact" means after a fault, checked through the contract: sequence numbers
 * contiguous, every entry ever written either held or counted as dropped, and the counters equal
 * to what the held entries add up to.
 */
import { expect } from 'vitest';
import { type EventLogEntry, type LogEntry, MAX_LOG_READ, type Snapshot, type SocketInfo } from '@shared/contract';
import { call, type Dispatch } from './contract';

export interface CheckedLog {
  info: SocketInfo;
  entries: LogEntry[];
  dropped: number;
  /** Payloads held, in log order, per direction. */
  bytesIn: Buffer;
  bytesOut: Buffer;
  events: EventLogEntry[];
}

/** Pass a snapshot when checking many sockets at once. */
export async function expectIntactLog(dispatch: Dispatch, id: string, taken?: Snapshot): Promise<CheckedLog> {
  const snapshot = taken ?? (await call(dispatch, 'app.snapshot', {}));
  const info = snapshot.sockets.find((socket) => socket.id === id);
  const head = snapshot.logs.find((log) => log.id === id);
  if (!info || !head) throw new Error(`${id} is not in the snapshot`);
  const entries: LogEntry[] = [];
  for (let from = head.firstSeq; from < head.nextSeq; from = entries[entries.length - 1].seq + 1) {
    const page = await call(dispatch, 'log.read', { id, fromSeq: from, count: MAX_LOG_READ });
    if (page.entries.length === 0) break;
    entries.push(...page.entries);
  }
  const seqs = entries.map((entry) => entry.seq);
  expect(seqs, `${id}: held entries are exactly [firstSeq, nextSeq)`).toEqual(seqs.map((_, i) => head.firstSeq + i));
  expect(entries.length).toBe(head.nextSeq - head.firstSeq);
  // Nothing was cleared in these tests: whatever is not held anymore was dropped, and counted.
  expect(head.dropped, `${id}: dropped entries`).toBe(head.firstSeq);

  const data = (dir: 'in' | 'out'): Buffer => Buffer.concat(entries.flatMap((entry) => (entry.dir === dir ? [Buffer.from(entry.bytes)] : [])));
  const checked: CheckedLog = {
    info,
    entries,
    dropped: head.dropped,
    bytesIn: data('in'),
    bytesOut: data('out'),
    events: entries.filter((entry): entry is EventLogEntry => entry.dir === 'event'),
  };
  expect(head.bytes, `${id}: payload bytes held`).toBe(checked.bytesIn.length + checked.bytesOut.length);
  if (head.dropped === 0) {
    expect(checked.bytesIn.length, `${id}: bytes in`).toBe(info.bytesIn);
    expect(checked.bytesOut.length, `${id}: bytes out`).toBe(info.bytesOut);
    const messages = entries.filter((entry) => entry.dir !== 'event').length;
    expect(messages).toBe(info.messagesIn + info.messagesOut);
  } else {
    expect(checked.bytesIn.length).toBeLessThanOrEqual(info.bytesIn);
    expect(checked.bytesOut.length).toBeLessThanOrEqual(info.bytesOut);
  }
  return checked;
}
