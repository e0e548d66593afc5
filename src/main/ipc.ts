import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { channels } from '../shared/channels';
import { CommandRequest, type Result } from '../shared/contract';
import type { Core } from './core';

/** Commands only this binding carries out (they need the window's native dialogs); checked and validated like the rest. */
export type LocalCommands = Partial<Record<string, (rawInput: unknown) => Promise<Result<unknown>>>>;

interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, payload: unknown) => Promise<Result<unknown>>): void;
  removeHandler(channel: string): void;
}

/**
 * Binds the contract to Electron IPC: one invoke channel for commands, one push channel for
 * event batches. Every message is checked for its sender frame and validated by the dispatcher.
 */
export function bindIpc(
  ipcMain: IpcMainLike,
  core: Core,
  target: () => WebContents | undefined,
  isTrustedSender: (url: string) => boolean,
  local: LocalCommands = {},
): () => void {
  ipcMain.handle(channels.command, async (event, payload) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (event.sender !== target() || !isTrustedSender(frameUrl)) {
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
  const unsubscribe = core.batcher.subscribe((batch) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(channels.events, batch);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(channels.command);
  };
}
