import { describe, expect, it } from 'vitest';
import type { LogEntry, SocketInfo } from '@shared/contract';
import { formatEntry } from './format';
import { DEFAULT_SHOWN_BYTES, entryStyle } from './payload-flags';

const socket = {
  id: 'con-1',
  kind: 'tcp-connection',
  remote: { address: '127.0.0.1', port: 6379, family: 'IPv4' },
} as unknown as SocketInfo;

const received = (bytes: Uint8Array<ArrayBuffer>): LogEntry => ({ seq: 1, time: 0, dir: 'in', bytes });

describe('a payload in the terminal', () => {
  it('shows at most the first 1,024 bytes of a large one as text, on its line, then how many more there were', () => {
    const line = formatEntry(socket, received(new Uint8Array(70_000).fill(0x41)), entryStyle({}, false));
    expect(line.split('\n')).toHaveLength(2);
    expect(line).toContain(`${'A'.repeat(DEFAULT_SHOWN_BYTES)}  … 68,976 more bytes (--show-bytes all shows every byte)\n`);
    expect(line).not.toContain('A'.repeat(DEFAULT_SHOWN_BYTES + 1));
    expect(line).toContain('70000 B');
  });

  it('shows every byte with --show-bytes all, and a payload within the limit whole, with no note', () => {
    const all = formatEntry(socket, received(new Uint8Array(70_000).fill(0x41)), entryStyle({ showBytes: Infinity }, false));
    expect(all).toContain(`${'A'.repeat(70_000)}\n`);
    expect(all).not.toContain('more byte');
    const small = formatEntry(socket, received(new TextEncoder().encode('+PONG\r\n')), entryStyle({ showBytes: 7 }, false));
    expect(small).toMatch(/ \+PONG\\r\\n\n$/);
  });

  it('cuts a hex dump to the bytes shown, the count on a line of its own', () => {
    const dump = formatEntry(socket, received(Uint8Array.from({ length: 100 }, (_, i) => i)), entryStyle({ hexdump: true, showBytes: 32 }, false));
    const lines = dump.trimEnd().split('\n');
    // The head, two rows of sixteen, and the note.
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^ {4}0+ +00 01 02/);
    expect(lines[2]).toMatch(/^ {4}0+10 +10 11 12/);
    expect(lines[3]).toBe('    … 68 more bytes (--show-bytes all shows every byte)');
  });

  it('says one byte, not one bytes', () => {
    const line = formatEntry(socket, received(new Uint8Array(5)), entryStyle({ showBytes: 4 }, false));
    expect(line).toContain('… 1 more byte (');
  });
});
