import { describe, expect, it } from 'vitest';
import type { PortRow } from '@shared/contract';
import { socketInfo } from '@shared/test-support/socket-info';
import { findPeerRow, mayHaveLocalPeer } from './peerRow';

const at = (port: number, address = '127.0.0.1') => ({ address, port, family: 'IPv4' as const });

/** redis-cli on 127.0.0.1:50312 talking to our listener's connection on :6379. */
const ours = socketInfo('con-1', { kind: 'tcp-connection', local: at(6379), remote: at(50312), createdAt: 10_000 });
const peer = (pid: number, patch: Partial<PortRow> = {}): PortRow => ({
  protocol: 'tcp',
  local: at(50312),
  remote: at(6379),
  state: 'ESTABLISHED',
  pid,
  process: `proc-${pid}`,
  own: false,
  ...patch,
});

describe('the peer of a loopback connection', () => {
  it('is the row whose ends are ours swapped, in a listing taken after the connection was made', () => {
    const rows = [peer(1, { local: at(50313) }), peer(2)];
    expect(findPeerRow({ rows, takenAt: 10_001 }, ours)?.pid).toBe(2);
  });

  it('is not found in a listing taken before the connection: its row there was an earlier connection between the same ports', () => {
    expect(findPeerRow({ rows: [peer(7)], takenAt: 9_999 }, ours)).toBeUndefined();
  });

  it('is never our own socket, nor a row without a process or a remote end', () => {
    const rows = [peer(3, { own: true }), peer(4, { pid: undefined }), peer(5, { remote: undefined })];
    expect(findPeerRow({ rows, takenAt: 20_000 }, ours)).toBeUndefined();
  });

  it('is looked for on live TCP connections to loopback only', () => {
    expect(mayHaveLocalPeer(ours)).toBe(true);
    expect(mayHaveLocalPeer({ ...ours, remote: at(50312, '::1') })).toBe(true);
    expect(mayHaveLocalPeer({ ...ours, remote: at(50312, '10.0.0.2') })).toBe(false);
    // An imported log's peer was a process of another time; a proxy's remote end is its upstream.
    expect(mayHaveLocalPeer({ ...ours, kind: 'imported' })).toBe(false);
    expect(mayHaveLocalPeer({ ...ours, kind: 'proxy' })).toBe(false);
    expect(mayHaveLocalPeer({ ...ours, kind: 'udp' })).toBe(false);
  });
});
