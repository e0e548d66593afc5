/**
 * Electron IPC channel names. Kept free of imports because the sandboxed preload can only
 * load what is bundled into it.
 */
export const channels = {
  /** renderer → main, invoke: { command, input } → Result */
  command: 'sockscope:command',
  /** main → renderer: EventBatch */
  events: 'sockscope:events',
  /** renderer → main, after handling a batch: its rev. Main sends a window only so many batches ahead of these. */
  ack: 'sockscope:ack',
  /** renderer → main, when it starts listening for batches (a first load or a reload): it reads from a snapshot onwards. */
  ready: 'sockscope:ready',
  /** main → renderer: batches were dropped for this window, which fell too far behind: take a fresh snapshot. */
  resync: 'sockscope:resync',
} as const;
