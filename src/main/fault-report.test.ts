import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorInfo } from '@shared/contract';
import { faultLogFile, installFaultReporter } from './fault-report';

let dir: string;
let source: EventEmitter;
let notified: ErrorInfo[];
let uninstall: () => void;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sockscope-faults-'));
  source = new EventEmitter();
  notified = [];
});

afterEach(() => {
  uninstall();
  rmSync(dir, { recursive: true, force: true });
});

function install(options: { logFile?: string; secrets?: string[]; maxFileBytes?: number; notifyIntervalMs?: number } = {}): string {
  const logFile = options.logFile ?? join(dir, 'logs', 'errors.log');
  uninstall = installFaultReporter({ ...options, logFile, source, notify: (error) => notified.push(error) });
  return logFile;
}

const lines = (file: string): Array<Record<string, string>> =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, string>);

describe('fault reporter', () => {
  it('writes an uncaught exception with its stack to the log file and tells the user where it is', () => {
    const logFile = install();
    source.emit('uncaughtException', new TypeError("Cannot read properties of undefined (reading 'bytes')"));
    const [line] = lines(logFile);
    expect(line).toMatchObject({ kind: 'uncaughtException', message: "Cannot read properties of undefined (reading 'bytes')" });
    expect(line.stack).toContain('fault-report.test.ts');
    expect(notified).toEqual([
      {
        code: 'INTERNAL',
        message: `Sockscope hit an unexpected error and kept running: Cannot read properties of undefined (reading 'bytes'). Details are in ${logFile}.`,
      },
    ]);
  });

  it('reports unhandled promise rejections, including ones that are not Errors', () => {
    const logFile = install();
    source.emit('unhandledRejection', 'socket went away');
    expect(lines(logFile)[0]).toMatchObject({ kind: 'unhandledRejection', message: 'socket went away' });
    expect(notified[0].message).toContain('socket went away');
  });

  it('never writes or shows a secret such as the host token', () => {
    const token = 'hunter2-token-abcdef';
    const logFile = install({ secrets: [token, ''] });
    source.emit('uncaughtException', new Error(`bad request /ws?token=${token}`));
    expect(readFileSync(logFile, 'utf8')).not.toContain(token);
    expect(readFileSync(logFile, 'utf8')).toContain('/ws?token=[redacted]');
    expect(JSON.stringify(notified)).not.toContain(token);
  });

  it('tells the user at most once per interval during a storm, and counts what it held back', () => {
    const logFile = install({ notifyIntervalMs: 60_000 });
    for (let i = 0; i < 50; i++) source.emit('uncaughtException', new Error(`fault ${i}`));
    expect(lines(logFile)).toHaveLength(50);
    expect(notified).toHaveLength(1);
    uninstall();
    install({ notifyIntervalMs: 0, logFile });
    source.emit('uncaughtException', new Error('after the storm'));
    expect(notified[1].message).toContain('after the storm');
  });

  it('keeps the log file bounded: past its size it moves to .1 and starts again', () => {
    const logFile = install({ maxFileBytes: 2000 });
    for (let i = 0; i < 40; i++) source.emit('uncaughtException', new Error(`fault ${i} ${'x'.repeat(100)}`));
    expect(readFileSync(logFile).length).toBeLessThan(2000 + 2000);
    expect(existsSync(`${logFile}.1`)).toBe(true);
    expect(lines(logFile).at(-1)?.message).toMatch(/^fault 39 /);
  });

  it('still tells the user when the details cannot be written', () => {
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, '');
    chmodSync(blocked, 0o400);
    install({ logFile: join(blocked, 'errors.log') });
    source.emit('uncaughtException', new Error('disk trouble'));
    expect(notified[0].message).toMatch(/^Sockscope hit an unexpected error and kept running: disk trouble\. The details could not be saved: /);
  });

  it('stops listening once uninstalled', () => {
    install();
    uninstall();
    expect(source.listenerCount('uncaughtException') + source.listenerCount('unhandledRejection')).toBe(0);
  });

  it('writes into a logs folder of the config folder', () => {
    expect(faultLogFile('/home/ada/.config/Sockscope')).toBe('/home/ada/.config/Sockscope/logs/errors.log');
  });
});
