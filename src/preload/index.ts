import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channels } from '@shared/channels';
import type { EventBatch } from '@shared/contract';
import type { SockscopeBridge } from './api';

/** The renderer gets these functions and nothing else; `ipcRenderer` itself never leaves here. */
const bridge: SockscopeBridge = {
  invoke: (command, input) => ipcRenderer.invoke(channels.command, { command, input }),
  onEvents: (listener) => {
    // Each batch is acknowledged once handled: main sends a window only so many batches ahead.
    const forward = (_event: IpcRendererEvent, batch: EventBatch): void => {
      try {
        listener(batch);
      } finally {
        ipcRenderer.send(channels.ack, batch.rev);
      }
    };
    ipcRenderer.on(channels.events, forward);
    ipcRenderer.send(channels.ready);
    return () => {
      ipcRenderer.removeListener(channels.events, forward);
    };
  },
  onResync: (listener) => {
    const forward = (): void => listener();
    ipcRenderer.on(channels.resync, forward);
    return () => {
      ipcRenderer.removeListener(channels.resync, forward);
    };
  },
};

contextBridge.exposeInMainWorld('sockscope', bridge);
