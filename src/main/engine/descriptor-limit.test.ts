import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DescriptorLimitWatcher, type DescriptorUse, ProcDescriptors, parseOpenFilesLimit } from './descriptor-limit';

describe('the open-files limit', () => {
  it('reads the soft limit from a limits file, and nothing when unlimited', () => {
    const limits = (soft: string): string =>
      [
        'Limit                     Soft Limit           Hard Limit           Units     ',
        'Max processes             96365                96365                processes ',
        `Max open files            ${soft.padEnd(21)}20000                files     `,
      ].join('\n');
    expect(parseOpenFilesLimit(limits('1024'))).toBe(1024);
    expect(parseOpenFilesLimit(limits('unlimited'))).toBeUndefined();
    expect(parseOpenFilesLimit('')).toBeUndefined();
  });

  it.skipIf(process.platform !== 'linux')('reads this process’s own use from /proc', async () => {
    const source = new ProcDescriptors();
    source.start();
    try {
      const use = await source.read();
      expect(use?.limit).toBe(parseOpenFilesLimit(readFileSync('/proc/self/limits', 'utf8')));
      expect(use?.open).toBeGreaterThan(3);
      expect(use?.open).toBeLessThan(use?.limit ?? 0);
      expect(source.hasOneFree()).toBe(true);
    } finally {
      source.close();
    }
  });
});

describe('watching for the limit', () => {
  /** A process whose descriptor use the test sets. */
  function processAt(): { use: DescriptorUse; source: ConstructorParameters<typeof DescriptorLimitWatcher>[0] } {
    const state = { use: { open: 10, limit: 100 } };
    return Object.assign(state, {
      source: { start: () => undefined, read: () => Promise.resolve(state.use), close: () => undefined },
    });
  }

  it('tells every watcher once when the limit is reached, and once when there is room again', async () => {
    const proc = processAt();
    const watcher = new DescriptorLimitWatcher(proc.source, 60_000);
    const seen: string[] = [];
    watcher.watch({ onChange: (full, use) => seen.push(`a ${full} ${use.open}`) });
    watcher.watch({ onChange: (full) => seen.push(`b ${full}`) });
    await watcher.poll();
    proc.use = { open: 100, limit: 100 };
    await watcher.poll();
    await watcher.poll();
    // One descriptor free for a moment (the system turning a connection away) is not room yet.
    proc.use = { open: 99, limit: 100 };
    await watcher.poll();
    proc.use = { open: 40, limit: 100 };
    await watcher.poll();
    expect(seen).toEqual(['a true 100', 'b true', 'a false 40', 'b false']);
    watcher.stop();
  });

  it('counts only when a look says no descriptor is free, and while full', async () => {
    const state = { use: { open: 10, limit: 100 }, reads: 0 };
    const source = {
      start: () => undefined,
      hasOneFree: () => state.use.open < state.use.limit,
      read: () => {
        state.reads++;
        return Promise.resolve(state.use);
      },
      close: () => undefined,
    };
    const watcher = new DescriptorLimitWatcher(source, 60_000);
    const seen: boolean[] = [];
    watcher.watch({ onChange: (full) => seen.push(full) });
    await watcher.poll();
    expect(state.reads).toBe(0);
    state.use = { open: 100, limit: 100 };
    await watcher.poll();
    // Full: counted each time, to see when there is room enough to say so.
    state.use = { open: 99, limit: 100 };
    await watcher.poll();
    state.use = { open: 40, limit: 100 };
    await watcher.poll();
    await watcher.poll();
    expect(seen).toEqual([true, false]);
    expect(state.reads).toBe(3);
    watcher.stop();
  });

  it('tells a listener that starts while the process is at its limit', async () => {
    const proc = processAt();
    const watcher = new DescriptorLimitWatcher(proc.source, 60_000);
    watcher.watch({ onChange: () => undefined });
    proc.use = { open: 100, limit: 100 };
    await watcher.poll();
    const seen: boolean[] = [];
    watcher.watch({ onChange: (full) => seen.push(full) });
    expect(seen).toEqual([true]);
    watcher.stop();
  });
});
