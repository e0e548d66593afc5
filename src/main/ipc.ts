import type { IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { channels } from '@shared/channels';
import { CommandRequest, type EventBatch, type Result } from '@shared/contract';
import type { Core } from './core';
import { HeldBatches } from './held-batches';
import { DEFAULT_CLIENT_LIMITS } from './host/client';

/** Commands only this binding carries out (they need the window's native dialogs); checked and validated like the rest. */
export type LocalCommands = Partial<Record<string, (rawInput: unknown) => Promise<Result<unknown>>>>;

interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, payload: unknown) => Promise<Result<unknown>>): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcMainEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcMainEvent, ...args: unknown[]) => void): unknown;
}

/**
 * What main sends a window that does not keep up. Electron queues every `send` for the renderer
 * without bound, so a hung renderer would grow main: past `maxUnackedBatches` batches it has not
 * acknowledged, batches are held (merged, and past `maxHeldEvents` dropped for a resync) as the
 * host does for a page that stops reading.
 */
export interface IpcLimits {
  maxUnackedBatches: number;
  maxHeldEvents: number;
}

export const DEFAULT_IPC_LIMITS: IpcLimits = { maxUnackedBatches: 32, maxHeldEvents: DEFAULT_CLIENT_LIMITS.maxHeldEvents };

/** How far behind the window is, for tests and diagnostics. */
export interface IpcBacklog {
  unackedBatches: number;
  heldEvents: number;
  resyncPending: boolean;
}

/**
 * Binds the contract to Electron IPC: one invoke channel for commands, one push channel for
 * event batches (acknowledged by the renderer, so that main can tell a window that fell behind).
 * Every message is checked for its sender frame and validated by the dispatcher. Returns the
 * unbinding, which also tells the window's backlog.
 */
export function bindIpc(
  ipcMain: IpcMainLike,
  core: Core,
  target: () => WebContents | undefined,
  isTrustedSender: (url: string) => boolean,
  local: LocalCommands = {},
  limits: IpcLimits = DEFAULT_IPC_LIMITS,
): (() => void) & { backlog: () => IpcBacklog } {
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent): boolean => event.sender === target() && isTrustedSender(event.senderFrame?.url ?? '');

  ipcMain.handle(channels.command, async (event, payload) => {
    if (!trusted(event)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'This window may not control sockets' } };
    }
    const request = CommandRequest.safeParse(payload);
    if (!request.success) {
      return { ok: false, error: { code: 'MALFORMED_MESSAGE', message: 'Malformed command message' } };
    }
    const { command, input } = request.data;
    const run = Object.hasOwn(local, command) ? local[command] : undefined;
    return run ? run(input) : core.dispatcher.dispatch(command, input);
  });

  let unacked = 0;
  const held = new HeldBatches(limits.maxHeldEvents);
  const window = (): WebContents | undefined => {
    const contents = target();
    return contents && !contents.isDestroyed() ? contents : undefined;
  };
  const onBatch = (batch: EventBatch): void => {
    const contents = window();
    if (!contents) return;
    if (held.holding || unacked >= limits.maxUnackedBatches) return held.hold(batch);
    unacked++;
    contents.send(channels.events, batch);
  };
  const onAck = (event: IpcMainEvent): void => {
    if (!trusted(event)) return;
    unacked = Math.max(0, unacked - 1);
    const contents = window();
    const next = contents && unacked < limits.maxUnackedBatches ? held.take() : undefined;
    if (next?.type === 'resync') contents?.send(channels.resync);
    else if (next) {
      unacked++;
      contents?.send(channels.events, next.batch);
    }
  };
  // A page that starts listening (a first load, a reload after a crash or a hang) reads a snapshot
  // first: nothing sent before is owed to it, and nothing held is needed.
  const onReady = (event: IpcMainEvent): void => {
    if (!trusted(event)) return;
    unacked = 0;
    held.clear();
  };
  ipcMain.on(channels.ack, onAck);
  ipcMain.on(channels.ready, onReady);
  const unsubscribe = core.batcher.subscribe(onBatch);
  const unbind = (): void => {
    unsubscribe();
    held.clear();
    ipcMain.removeHandler(channels.command);
    ipcMain.removeListener(channels.ack, onAck);
    ipcMain.removeListener(channels.ready, onReady);
  };
  return Object.assign(unbind, {
    backlog: (): IpcBacklog => ({ unackedBatches: unacked, heldEvents: held.size, resyncPending: held.resyncPending }),
  });
}
