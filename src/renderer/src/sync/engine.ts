import type { Command, Input, Output, Result } from '@shared/contract';
import type { Transport } from '../transport';

/**
 * The one transport this window talks through, set by startStores (start.ts). Only `state/` modules
 * call `invoke` (components call their actions; lint holds this), and get a Result back, never an
 * exception: a transport fault becomes an error to show.
 */
let current: Transport | undefined;

/** undefined once the stores are stopped: commands then answer NOT_CONNECTED. */
export function setTransport(transport: Transport | undefined): void {
  current = transport;
}

export async function invoke<C extends Command>(command: C, input: Input<C>): Promise<Result<Output<C>>> {
  if (!current) return { ok: false, error: { code: 'NOT_CONNECTED', message: 'Sockscope is still starting' } };
  try {
    return await current.invoke(command, input);
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'TRANSPORT', message } };
  }
}
