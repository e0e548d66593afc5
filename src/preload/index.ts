import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channels } from '../shared/channels';
import type { EventBatch } from '../shared/contract';
import type { SockscopeBridge } from './api';

/** The renderer gets these two functions and nothing else; `ipcRenderer` itself never leaves here. */
const bridge: SockscopeBridge = {
  invoke: (command, input) => ipcRenderer.invoke(channels.command, { command, input }),
  onEvents: (listener) => {
    const forward = (_event: IpcRendererEvent, batch: EventBatch): void => listener(batch);
    ipcRenderer.on(channels.events, forward);
    return () => {
      ipcRenderer.removeListener(channels.events, forward);
    };
  },
};

contextBridge.exposeInMainWorld('sockscope', bridge);
