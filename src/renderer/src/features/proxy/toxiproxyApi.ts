import { create } from 'zustand';
import type { Result } from '@shared/contract';
import type { ToxiproxyApiStatus } from '@shared/toxiproxy-api';
import type { Transport } from '../../transport';
import { invoke } from '../../sync/engine';
import { followMain } from '../../sync/follow-main';

interface ToxiproxyApiState {
  /** As main last told: where the API serves, or why it could not start. Null until first read. */
  status: ToxiproxyApiStatus | null;
}

/** The Toxiproxy API's switch, mirrored from main: every window sees it turned on, moved or off. */
export const useToxiproxyApi = create<ToxiproxyApiState>()(() => ({ status: null }));

/** How many statuses have been applied: an answer asked for before the latest of them is older than it. */
let applied = 0;

function apply(status: ToxiproxyApiStatus): void {
  applied++;
  useToxiproxyApi.setState({ status });
}

/**
 * Applies the status a command answers with, unless a newer one came meanwhile: the first window's
 * read can be answered late, while the host is still loading its engine, after the event of a switch.
 */
async function answered(request: Promise<Result<ToxiproxyApiStatus>>): Promise<Result<ToxiproxyApiStatus>> {
  const before = applied;
  const result = await request;
  if (result.ok && applied === before) apply(result.value);
  return result;
}

/** Reads the status whenever the transport (re)opens or batches were lost; follows its events in between. */
export function startToxiproxyApiSync(transport: Transport): () => void {
  return followMain(
    transport,
    () => void answered(invoke('toxiproxyApi.status', {})),
    (batch) => {
      for (const event of batch.events) if (event.type === 'toxiproxyApi.status') apply(event.status);
    },
  );
}

/** Turns the API on at `port` (0: any free one) or off; its status comes back to every window. */
export function setToxiproxyApi(enabled: boolean, port: number): Promise<Result<ToxiproxyApiStatus>> {
  return answered(invoke('toxiproxyApi.set', { enabled, port }));
}
