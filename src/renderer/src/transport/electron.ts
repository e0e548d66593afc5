import type { Command, EventBatch, Input, Output, Result } from '@shared/contract';
import type { SockscopeBridge } from '../../../preload/api';
import type { Transport, TransportStatus } from './transport';

/** Talks to main through the preload bridge; main validates everything it receives. */
export function electronTransport(bridge: SockscopeBridge): Transport {
  return {
    invoke<C extends Command>(command: C, input: Input<C>): Promise<Result<Output<C>>> {
      return bridge.invoke(command, input) as Promise<Result<Output<C>>>;
    },
    subscribe(listener: (batch: EventBatch) => void) {
      return bridge.onEvents(listener);
    },
    onResync(listener: () => void) {
      return bridge.onResync(listener);
    },
    onStatus(listener: (status: TransportStatus) => void) {
      listener({ state: 'open' });
      return () => undefined;
    },
  };
}
