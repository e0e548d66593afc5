/**
 * Electron IPC channel names. Kept free of imports because the sandboxed preload can only
 * load what is bundled into it.
 */
export const channels = {
  /** renderer → main, invoke: { command, input } → Result */
  command: 'sockscope:command',
  /** main → renderer: EventBatch */
  events: 'sockscope:events',
} as const;
