/**
 * What `send` and `listen` share: commands through the same dispatcher as the app (one
 * validation, one set of error sentences), and a log followed entry by entry as it grows.
 */
import type { Command, Input, LogEntry, Output, SocketInfo } from '@shared/contract';
import { MAX_LOG_READ } from '@shared/contract';
import { once } from 'node:events';
import type { Core } from '../main/core';

/** Runs a command; a failure becomes an Error carrying the engine's sentence. */
export async function invoke<C extends Command>(core: Core, command: C, input: Input<C>): Promise<Output<C>> {
  const result = await core.dispatcher.dispatch(command, input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as Output<C>;
}

export type EntryListener = (socket: SocketInfo, entry: LogEntry) => void;

/**
 * Calls `onEntry` for every entry of every socket's log that `wanted` accepts, in log order, as
 * the engine announces them (entries already there are read first). Returns the unsubscribe.
 */
export function followLogs(core: Core, wanted: (socket: SocketInfo) => boolean, onEntry: EntryListener): () => void {
  const { engine } = core;
  const nextSeq = new Map<string, number>();
  const catchUp = (id: string): void => {
    let socket: SocketInfo;
    try {
      socket = engine.info(id);
    } catch {
      return; // removed meanwhile
    }
    if (!wanted(socket)) return;
    for (;;) {
      const { entries } = engine.readLog(id, nextSeq.get(id) ?? 0, MAX_LOG_READ);
      if (entries.length === 0) return;
      nextSeq.set(id, entries[entries.length - 1].seq + 1);
      for (const entry of entries) onEntry(socket, entry);
    }
  };
  // Read after the engine's read that grew the log, not inside it (a head is told as it is marked),
  // and once for all the heads told meanwhile.
  const due = new Set<string>();
  const catchUpDue = (): void => {
    for (const id of due) {
      due.delete(id);
      catchUp(id);
    }
  };
  const unsubscribe = engine.subscribe(
    (event) => {
      if (event.type !== 'log.head') return;
      if (due.size === 0) queueMicrotask(catchUpDue);
      due.add(event.head.id);
    },
    ['log.head'],
  );
  for (const socket of engine.snapshot().sockets) catchUp(socket.id);
  return unsubscribe;
}

/** Where a command writes: the process's streams, or a test's buffers. */
export interface Terminal {
  /** False when standard output is full (a slow reader): write more only after `drained()`. */
  out(text: string | Uint8Array): boolean;
  /** Settles once standard output has room again (at once if it has now). */
  drained(): Promise<void>;
  /** Status for people (connected, sent, wrote): kept off stdout so pipes get data only. */
  note(text: string): void;
  /** ANSI colours for received and sent, as the app's sky and amber. */
  color: boolean;
}

/** Set once the reader of standard output went away (`| head`): output is dropped from then on. */
let stdoutGone = false;
let onStdoutGone: (() => void) | undefined;

/**
 * What happens when the reader of standard output goes away: by default the command ends quietly,
 * as other tools do (`send … | head`); a command that must not lose work (`listen` recording to
 * files) says what to do instead, and output is then dropped.
 */
export function whenStdoutCloses(handler: () => void): void {
  onStdoutGone = handler;
}

export const processTerminal: Terminal = {
  out: (text) => (stdoutGone ? true : process.stdout.write(text)),
  drained: () => (!stdoutGone && process.stdout.writableNeedDrain ? once(process.stdout, 'drain').then(() => undefined) : Promise.resolve()),
  note: (text) => void process.stderr.write(`${text}\n`),
  color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
};

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  if (stdoutGone) return;
  stdoutGone = true;
  // A pending drain would never come: wake whoever waits for it (their next write is dropped).
  process.stdout.emit('drain');
  if (onStdoutGone) onStdoutGone();
  else process.exit(0);
});

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `promise`'s value, or undefined after `ms`; the timer goes as soon as either settles, so it never holds the process open. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
