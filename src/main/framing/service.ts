/**
 * Framing and decoder settings per socket, and the frames they produce. The settings live on the
 * socket's SocketInfo (so every window shows the same view); the frames are built lazily, when
 * someone reads them, and follow the log as it grows, drops or is cleared.
 */
import { MAX_FRAME_DECODE_BYTES, type Output, type ParsedInput, type SocketInfo } from '@shared/contract';
import { type FramingSpec, RAW_FRAMING, sameFraming } from '@shared/framing';
import { EngineError } from '../engine/errors';
import { compileQuery, SCAN_BUDGET } from '../engine/log-search';
import type { Engine } from '../engine/engine';
import { CATCH_UP_BYTES, FrameIndex } from './frame-index';

export class FramingService {
  private readonly indexes = new Map<string, FrameIndex>();
  /** Listeners given a framing: their new connections inherit it. */
  private readonly framedListeners = new Set<string>();
  private generation = 0;
  private readonly unsubscribe: () => void;
  /** Follows new connections and conversations while a listener or proxy has a framing (see followChildren). */
  private unfollowChildren: (() => void) | undefined;

  /** `catchUpBytes`: how much of the log one read frames at most (see FrameIndex.catchUp). */
  constructor(
    private readonly engine: Engine,
    private readonly catchUpBytes = CATCH_UP_BYTES,
  ) {
    this.unsubscribe = engine.subscribe(
      (event) => {
        if (event.type !== 'socket.removed') return;
        this.indexes.delete(event.id);
        if (this.framedListeners.delete(event.id) && this.framedListeners.size === 0) this.stopFollowingChildren();
      },
      ['socket.removed'],
    );
  }

  /**
   * Only while some listener or proxy has a framing: the engine then builds an upsert for each
   * connection it accepts, which for 19,000 connections into a listener nobody framed was a
   * copy of each one's info made for nothing.
   */
  private followChildren(): void {
    this.unfollowChildren ??= this.engine.subscribe(
      (event) => {
        if (event.type !== 'socket.upsert' || event.socket.framing !== undefined || !this.framedListeners.has(event.socket.parentId ?? '')) return;
        // An accepted connection speaks its listener's protocol: it starts with its framing.
        // Deferred, so this update is announced after the one that introduced the connection.
        const { id, parentId = '' } = event.socket;
        queueMicrotask(() => this.inherit(id, parentId));
      },
      ['socket.upsert'],
      ['tcp-connection', 'proxy-conversation'],
    );
  }

  /**
   * Sets a socket's framing and/or decoder. On a listener (or proxy), its connections (or
   * conversations), open now or accepted later, get the same.
   */
  set(input: ParsedInput<'framing.set'>): SocketInfo {
    const socket = this.engine.info(input.id);
    const view = {
      framing: input.framing ?? socket.framing ?? RAW_FRAMING,
      decoder: input.decoder ?? socket.decoder ?? 'auto',
    };
    const targets = [socket];
    // A proxy's conversations speak its protocol as a listener's connections do.
    const parent = socket.kind === 'tcp-listener' || socket.kind === 'proxy';
    if (parent) {
      this.framedListeners.add(socket.id);
      this.followChildren();
    }
    if (parent) targets.push(...this.engine.snapshot().sockets.filter((s) => s.parentId === socket.id));
    for (const target of targets) {
      if (!sameFraming(target.framing ?? RAW_FRAMING, view.framing)) this.indexes.delete(target.id);
      this.engine.setView(target.id, view);
    }
    return this.engine.info(input.id);
  }

  /** Frames of a socket under its framing; see the command's description in the contract. */
  read(input: ParsedInput<'log.readFrames'>): Output<'log.readFrames'> {
    const { index, framing } = this.indexFor(input.id);
    const { head: logHead, behind } = index.catchUp(this.catchUpBytes);
    const { items, ...head } = index.read(input.fromIndex, input.count, logHead);
    return { head: { id: input.id, generation: index.generation, framing, behind, ...head }, frames: items };
  }

  /** One frame's bytes, whole (up to the command's bound), for the Decoded view. */
  readBytes(input: ParsedInput<'log.readFrameBytes'>): Output<'log.readFrameBytes'> {
    const { index } = this.indexFor(input.id);
    const bytes = index.frameBytes(input.index, MAX_FRAME_DECODE_BYTES);
    if (!bytes) throw new EngineError('NOT_FOUND', `Frame ${input.index} is no longer in the log`);
    return { bytes };
  }

  /** A bounded step of a search over a socket's frames; see the command in the contract. */
  search(input: ParsedInput<'log.searchFrames'>): Output<'log.searchFrames'> {
    const { index } = this.indexFor(input.id);
    const { behind } = index.catchUp(this.catchUpBytes);
    const result = index.search(compileQuery(input.query), input.fromIndex, input.limit, SCAN_BUDGET, (seq) => this.engine.peekLog(input.id, seq));
    return { generation: index.generation, ...result, done: !behind && result.cursor >= result.nextIndex };
  }

  /** The socket's frame index under its current framing, made afresh when the framing changed. */
  private indexFor(id: string): { index: FrameIndex; framing: FramingSpec } {
    const socket = this.engine.info(id);
    const framing = socket.framing ?? RAW_FRAMING;
    let index = this.indexes.get(id);
    if (!index || !sameFraming(index.spec, framing)) {
      index = new FrameIndex(framing, ++this.generation, socket.kind, (fromSeq, count) => this.engine.readLog(id, fromSeq, count));
      this.indexes.set(id, index);
    }
    return { index, framing };
  }

  private stopFollowingChildren(): void {
    this.unfollowChildren?.();
    this.unfollowChildren = undefined;
  }

  dispose(): void {
    this.unsubscribe();
    this.stopFollowingChildren();
    this.indexes.clear();
    this.framedListeners.clear();
  }

  private inherit(id: string, parentId: string): void {
    let parent: SocketInfo;
    let socket: SocketInfo;
    try {
      parent = this.engine.info(parentId);
      socket = this.engine.info(id);
    } catch {
      return; // Removed meanwhile: nothing to inherit into.
    }
    if (socket.framing === undefined && parent.framing !== undefined) {
      this.engine.setView(id, { framing: parent.framing, decoder: parent.decoder ?? 'auto' });
    }
  }
}
