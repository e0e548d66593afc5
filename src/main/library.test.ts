import { afterEach, describe, expect, it } from 'vitest';
import { commands, type EventBatch, type SavedMessage } from '@shared/contract';
import { type Core, createCore } from './core';
import { EngineError } from './engine/errors';
import { LIBRARY_FILE_FORMAT, MessageLibrary } from './library';

/** What an EngineError thrown by `fn` must look like. */
function fails(fn: () => unknown, error: { code?: string; message?: unknown }): void {
  expect(fn).toThrow(expect.objectContaining(error));
  expect(fn).toThrow(EngineError);
}

const login = { name: 'Login', format: 'text' as const, payload: 'LOGIN admin\\r\\n' };
const ping = { name: 'Ping', format: 'hex' as const, payload: '70 69 6e 67', target: { host: '127.0.0.1', port: 9000 } };

describe('MessageLibrary', () => {
  it('saves new messages with ids, replaces by id in place, and removes', () => {
    const library = new MessageLibrary();
    const first = library.save(login);
    const second = library.save(ping);
    expect(first.id).not.toBe(second.id);
    expect(library.list().map((m) => m.name)).toEqual(['Login', 'Ping']);
    library.save({ ...login, id: first.id, name: 'Login as admin' });
    expect(library.list().map((m) => m.name)).toEqual(['Login as admin', 'Ping']);
    library.remove(first.id);
    expect(library.list()).toEqual([second]);
    fails(() => library.remove(first.id), { code: 'NOT_FOUND' });
    fails(() => library.save({ ...login, id: 'gone' }), { code: 'NOT_FOUND' });
  });

  it('refuses a payload that would not parse, saying where', () => {
    const library = new MessageLibrary();
    fails(() => library.save({ name: 'Bad', format: 'hex', payload: 'de ad b' }), {
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^The payload: Odd number of hex digits.*position 7/),
    });
    expect(library.list()).toEqual([]);
  });

  it('exports a file that imports back to the same messages', () => {
    const library = new MessageLibrary();
    library.save(login);
    library.save(ping);
    const { text, count } = library.export();
    expect(count).toBe(2);
    expect(JSON.parse(text)).toMatchObject({ format: LIBRARY_FILE_FORMAT, version: 1 });
    const other = new MessageLibrary();
    expect(other.import(text, 'merge').imported).toBe(2);
    expect(other.list()).toEqual(library.list());
    // Importing the same file again replaces by id rather than duplicating.
    other.import(text, 'merge');
    expect(other.list()).toHaveLength(2);
  });

  it('merges or replaces, and accepts hand-written messages without ids', () => {
    const library = new MessageLibrary();
    library.save(login);
    const file = JSON.stringify({ format: LIBRARY_FILE_FORMAT, version: 1, messages: [{ name: 'Hello', format: 'base64', payload: 'aGVsbG8=' }] });
    library.import(file, 'merge');
    expect(library.list().map((m) => m.name)).toEqual(['Login', 'Hello']);
    library.import(file, 'replace');
    expect(library.list().map((m) => m.name)).toEqual(['Hello']);
    expect(library.list()[0].id).toMatch(/\S/);
  });

  it('explains why a file is not a saved-messages file, and keeps the library as it was', () => {
    const library = new MessageLibrary();
    library.save(login);
    const before = library.list();
    fails(() => library.import('{ nope', 'replace'), { message: expect.stringMatching(/^This is not a saved-messages file: it is not valid JSON/) });
    fails(() => library.import('{"format":"other","version":1,"messages":[]}', 'replace'), {
      message: `This is not a Sockscope saved-messages file at format: "format" must be "${LIBRARY_FILE_FORMAT}"`,
    });
    const badPayload = { format: LIBRARY_FILE_FORMAT, version: 1, messages: [login, { name: 'Broken', format: 'text', payload: 'a\\q' }] };
    fails(() => library.import(JSON.stringify(badPayload), 'replace'), {
      message: expect.stringMatching(/^Message 2 \("Broken"\): Unknown escape "\\q" at position 2/),
    });
    expect(library.list()).toEqual(before);
  });

  it('hands its whole state out and takes it back, for whoever persists it', () => {
    const library = new MessageLibrary();
    library.save(login);
    const revisions: number[] = [];
    const restored = new MessageLibrary();
    restored.subscribe((revision) => revisions.push(revision));
    restored.setState(library.getState());
    expect(restored.list()).toEqual(library.list());
    expect(revisions).toEqual([1]);
    fails(() => restored.setState({ messages: [{ name: 'no id' }] }), { code: 'INVALID_INPUT' });
    expect(restored.list()).toEqual(library.list());
  });
});

describe('library commands', () => {
  let core: Core;
  afterEach(async () => core.dispose());

  it('are shared through main, and every change is announced to all windows', async () => {
    core = createCore({ batch: { intervalMs: 1 } });
    const batches: EventBatch[] = [];
    core.batcher.subscribe((batch) => batches.push(batch));
    const saved = await core.dispatcher.dispatch('library.save', login);
    expect(saved).toMatchObject({ ok: true, value: { name: 'Login', format: 'text' } });
    const listed = await core.dispatcher.dispatch('library.list', {});
    expect(listed).toEqual({ ok: true, value: { messages: [(saved as { value: SavedMessage }).value] } });
    await expect.poll(() => batches.flatMap((b) => b.events).some((e) => e.type === 'library.changed')).toBe(true);
    const exported = await core.dispatcher.dispatch('library.export', {});
    expect(exported).toMatchObject({ ok: true, value: { count: 1 } });
    expect(await core.dispatcher.dispatch('library.remove', { id: 'missing' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await core.dispatcher.dispatch('library.save', { name: ' ', format: 'text', payload: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'name: Give the message a name' },
    });
    expect(commands['library.import'].input.parse({ text: '{}' }).mode).toBe('merge');
  });

  it('log.search and send.repeat reach the engine through the dispatcher', async () => {
    core = createCore({ batch: { intervalMs: 1 } });
    const udp = await core.dispatcher.dispatch('udp.bind', { host: '127.0.0.1', port: 0 });
    if (!udp.ok) throw new Error(udp.error.message);
    const { id, local } = udp.value as { id: string; local: { port: number } };
    const target = { host: '127.0.0.1', port: local.port };
    const repeated = await core.dispatcher.dispatch('send.repeat', { id, data: new TextEncoder().encode('echo'), target, count: 3 });
    expect(repeated).toMatchObject({ ok: true, value: { jobId: expect.stringMatching(/^rep-/) } });
    await expect.poll(() => core.engine.info(id).messagesIn).toBe(3);
    const found = await core.dispatcher.dispatch('log.search', { id, query: { text: 'ECHO', direction: 'in' }, fromSeq: 0 });
    expect(found).toMatchObject({ ok: true, value: { done: true } });
    expect((found as { value: { matches: number[] } }).value.matches).toHaveLength(3);
    expect(await core.dispatcher.dispatch('log.search', { id, query: { hex: 'zz' }, fromSeq: 0 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'Search bytes: "z" is not a hex digit (position 1)' },
    });
  });
});
