/**
 * A hostile peer against a regex rule that backtracking engines take exponential time on: the
 * CLI listener goes on answering other clients and stops cleanly on Ctrl-C (issue #11 §1).
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, startChild, stopPeers } from '../../src/main/engine/test-support/peers';
import { waitFor } from '../../src/main/engine/test-support/wait-for';

const files = scratchDirEachTest();

afterEach(() => stopPeers());

/** Sends 'a' × 30,000 then 'b' in one go, and stays connected. */
const HOSTILE_PEER = `
import socket, sys, time
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.sendall(b'a' * 30000 + b'b')
print('sent', flush=True)
time.sleep(60)
`;
import { scratchDirEachTest } from '../../src/main/test-support/scratch';

describe('a regex rule and a hostile peer', () => {
  it('(a+)+$ against a*30000+b: another client still gets its reply, and Ctrl-C stops the listener and writes its file', async () => {
    const jsonl = files.path('session.jsonl');
    const rules = files.write(
      'rules.json',
      Buffer.from(
        JSON.stringify({
          rules: [
            { match: 'regex', pattern: '(a+)+$', reply: 'EVIL\\n' },
            { match: 'contains', pattern: 'PING', reply: 'PONG\\n' },
          ],
        }),
      ),
    );
    const listener = await startChild(
      'node',
      // Every byte shown, so that the end of the hostile message is seen in the terminal.
      ['--import', 'tsx', 'src/cli/index.ts', 'listen', 'tcp://127.0.0.1:0', '--rules', rules, '--jsonl', jsonl, '--show-bytes', 'all'],
      /Listening on \S+:\d+\./,
    );
    const port = Number(/:(\d+)\. Ctrl-C/.exec(listener.stderr())?.[1]);

    const hostile = await startChild('python3', ['-c', HOSTILE_PEER, String(port)], /sent/);
    // The hostile message has reached the listener (it prints every message) before the next client asks.
    await waitFor(() => listener.stdout().includes('aaaaab'), 'the hostile message to be logged', 10_000);
    const client = await connectClient(port);
    await client.write(Buffer.from('PING\n'));
    // Generous for a loaded machine; a backtracking engine would take minutes (or forever).
    await waitFor(() => client.received().toString() === 'PONG\n', "the other client's reply", 10_000);
    expect(hostile.stdout().toString()).toBe('sent\n');

    const exited = new Promise<number | null>((done) => listener.child.once('exit', (code) => done(code)));
    listener.child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'still running'>((done) => setTimeout(() => done('still running'), 15_000))]);
    expect(code).toBe(0);
    expect(existsSync(jsonl)).toBe(true);
    // The hostile payload was kept in full (it simply matched no rule), and so was the exchange.
    // Per connection, what came in and went out (reads may cut the hostile payload anywhere).
    const streams = new Map<string, string>();
    for (const line of readFileSync(jsonl, 'utf8').trim().split('\n')) {
      const entry = JSON.parse(line) as { type: string; socket?: string; dir?: string; data?: string };
      if (entry.type !== 'entry' || entry.data === undefined || entry.socket === undefined) continue;
      const text = Buffer.from(entry.data, 'base64').toString();
      streams.set(entry.socket, (streams.get(entry.socket) ?? '') + (entry.dir === 'out' ? `<${text}>` : text));
    }
    expect([...streams.values()]).toEqual([`${'a'.repeat(30_000)}b`, 'PING\n<PONG\n>']);
  }, 60_000);
});
