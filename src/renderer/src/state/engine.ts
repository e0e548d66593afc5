import type { Command, Input, Output, Result } from '../../../shared/contract';
import type { Transport } from '../transport';

/**
 * The one transport this window talks through, set once at start-up (main.tsx). Components call
 * `invoke` and get a Result back, never an exception: a transport fault becomes an error to show.
 */
let current: Transport | undefined;

export function setTransport(transport: Transport): void {
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
