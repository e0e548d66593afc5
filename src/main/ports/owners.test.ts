import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SocketOwners } from './owners';

/**
 * A /proc of three processes, built of real directories and links as the kernel shows them:
 * 10 (three files), 20 (a thousand sockets), 30 (one socket).
 */
let root: string;
const link = (pid: number, fd: number, target: string): void => symlinkSync(target, join(root, String(pid), 'fd', String(fd)));
const addProcess = (pid: number, name: string): void => {
  mkdirSync(join(root, String(pid), 'fd'), { recursive: true });
  writeFileSync(join(root, String(pid), 'comm'), `${name}\n`);
  writeFileSync(join(root, String(pid), 'cmdline'), `${name}\0--serve\0`);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sockscope-proc-'));
  addProcess(10, 'low');
  link(10, 0, '/dev/null');
  link(10, 1, 'pipe:[7]');
  link(10, 2, 'socket:[100]');
  addProcess(20, 'busy');
  for (let fd = 0; fd < 1000; fd++) link(20, fd, `socket:[${2000 + fd}]`);
  addProcess(30, 'high');
  link(30, 3, 'socket:[300]');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('SocketOwners', () => {
  it('stops reading links as soon as every socket asked about is found', async () => {
    const owners = new SocketOwners(root);
    const { owners: found, hidden } = await owners.find([100]);
    expect(found.get(100)).toEqual({ pid: 10, name: 'low', command: 'low --serve' });
    expect(hidden.size).toBe(0);
    // Process 10's links at most; not one of process 20's thousand.
    expect(owners.linksRead).toBeLessThanOrEqual(3);
  });

  it('checks a holder it found before with one link, and searches again only when the holder let go', async () => {
    const owners = new SocketOwners(root);
    expect((await owners.find([300])).owners.get(300)?.pid).toBe(30);
    expect(owners.linksRead).toBe(3 + 1000 + 1);
    // Learnt on the way: process 20's sockets, whoever asks for them next.
    expect((await owners.find([300, 2500])).owners.get(2500)?.pid).toBe(20);
    expect(owners.linksRead).toBe(2);

    // The socket moves to another process (passed over a Unix socket, then closed).
    unlinkSync(join(root, '30', 'fd', '3'));
    link(10, 9, 'socket:[300]');
    expect((await owners.find([300])).owners.get(300)).toMatchObject({ pid: 10, name: 'low' });
  });

  it('credits a socket several processes hold to the lowest pid', async () => {
    link(30, 4, 'socket:[555]');
    link(10, 5, 'socket:[555]');
    expect((await new SocketOwners(root).find([555])).owners.get(555)?.pid).toBe(10);
  });

  it('does not look again for a while for a socket no process holds (the kernel’s own)', async () => {
    const owners = new SocketOwners(root);
    const first = await owners.find([999_999, 0]);
    expect(first.owners.size).toBe(0);
    expect(owners.linksRead).toBe(3 + 1000 + 1);
    await owners.find([999_999]);
    expect(owners.linksRead).toBe(0);
  });

  it('describes only the processes that own a socket asked about', async () => {
    const { owners } = await new SocketOwners(root).find([2001, 2002, 100]);
    expect([...new Set([...owners.values()].map((info) => info.name))].sort()).toEqual(['busy', 'low']);
  });
});
