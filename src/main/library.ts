/**
 * Saved messages: a small library kept in main, so the Electron window and every browser tab
 * share one. It lives in memory; `getState()` / `setState()` hand the whole library to whoever
 * persists it (sessions), and `subscribe` says when to save again.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { schemaOnUse } from '@shared/built-on-use';
import { MAX_SAVED_MESSAGES, type ParsedInput, SavedMessage, SavedMessageId } from '@shared/contract';
import { checkPayload } from '@shared/macro-payload';
import { issuePath } from '@shared/zod-issues';
import { EngineError } from './engine/errors';
import { Revisions } from './revisions';

export const LIBRARY_FILE_FORMAT = 'sockscope.saved-messages';

const tooMany = `At most ${MAX_SAVED_MESSAGES} messages can be saved`;

/** What a file may hold: messages written by hand may leave out their ids. */
const LibraryFile = schemaOnUse(() =>
  z.object({
    format: z.literal(LIBRARY_FILE_FORMAT, { error: `"format" must be "${LIBRARY_FILE_FORMAT}"` }),
    version: z.literal(1, { error: 'This file is from a newer Sockscope ("version" is not 1)' }),
    messages: z.array(SavedMessage.extend({ id: SavedMessageId.optional() })).max(MAX_SAVED_MESSAGES, tooMany),
  }),
);

export const LibraryState = schemaOnUse(() => z.object({ messages: z.array(SavedMessage).max(MAX_SAVED_MESSAGES) }));
export type LibraryState = z.infer<typeof LibraryState>;

type Draft = ParsedInput<'library.save'>;

export class MessageLibrary extends Revisions {
  private messages: SavedMessage[] = [];

  list(): SavedMessage[] {
    return this.messages.map((message) => ({ ...message }));
  }

  /** A new message without an id; with one, replaces that message where it is in the list. */
  save(draft: Draft): SavedMessage {
    assertParses(draft);
    if (draft.id === undefined) {
      if (this.messages.length >= MAX_SAVED_MESSAGES) throw new EngineError('LIBRARY_FULL', tooMany);
      const message = withId(draft, randomUUID());
      this.messages = [...this.messages, message];
      this.changed();
      return { ...message };
    }
    const index = this.messages.findIndex((message) => message.id === draft.id);
    if (index < 0) throw notFound(draft.id);
    const message = withId(draft, draft.id);
    this.messages = this.messages.with(index, message);
    this.changed();
    return { ...message };
  }

  remove(id: string): void {
    const kept = this.messages.filter((message) => message.id !== id);
    if (kept.length === this.messages.length) throw notFound(id);
    this.messages = kept;
    this.changed();
  }

  /** Reads a file written by `export`; `merge` replaces messages with the same id and adds the rest. */
  import(text: string, mode: 'merge' | 'replace'): { imported: number; messages: SavedMessage[] } {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new EngineError('INVALID_INPUT', `This is not a saved-messages file: it is not valid JSON (${detail})`);
    }
    const file = LibraryFile.safeParse(raw);
    if (!file.success) {
      const issue = file.error.issues[0];
      const path = issuePath(issue);
      const where = path === '' ? '' : ` at ${path}`;
      throw new EngineError('INVALID_INPUT', `This is not a Sockscope saved-messages file${where}: ${issue.message}`);
    }
    const incoming = file.data.messages.map((draft, index) => {
      assertParses(draft, `Message ${index + 1} ("${draft.name}")`);
      return withId(draft, draft.id ?? randomUUID());
    });
    const next = mode === 'replace' ? [] : [...this.messages];
    for (const message of incoming) {
      const at = next.findIndex((existing) => existing.id === message.id);
      if (at >= 0) next[at] = message;
      else next.push(message);
    }
    if (next.length > MAX_SAVED_MESSAGES) throw new EngineError('LIBRARY_FULL', `${tooMany}; this import would make ${next.length}`);
    this.messages = next;
    this.changed();
    return { imported: incoming.length, messages: this.list() };
  }

  export(): { text: string; count: number } {
    const file = { format: LIBRARY_FILE_FORMAT, version: 1, messages: this.messages };
    return { text: `${JSON.stringify(file, null, 2)}\n`, count: this.messages.length };
  }

  /** The whole library, for saving it somewhere. */
  getState(): LibraryState {
    return { messages: this.list() };
  }

  /** Restores a saved library; throws INVALID_INPUT (and changes nothing) if `state` is not one. */
  setState(state: unknown): void {
    const parsed = LibraryState.safeParse(state);
    if (!parsed.success) throw new EngineError('INVALID_INPUT', `Not a saved-messages library: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    this.messages = parsed.data.messages.map((message) => ({ ...message }));
    this.changed();
  }
}

/** Only the fields of a message, in a fixed order (so exports read the same every time). */
function withId(draft: Omit<SavedMessage, 'id'>, id: string): SavedMessage {
  return { id, name: draft.name, format: draft.format, payload: draft.payload, ...(draft.target ? { target: draft.target } : {}) };
}

function assertParses(draft: Omit<SavedMessage, 'id'>, what = 'The payload'): void {
  const parsed = checkPayload(draft.payload, draft.format);
  if (!parsed.ok) throw new EngineError('INVALID_INPUT', `${what}: ${parsed.message}`);
}

function notFound(id: string): EngineError {
  return new EngineError('NOT_FOUND', `No saved message with id ${id} (it may have been deleted in another window)`);
}
