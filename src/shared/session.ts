/**
 * Sessions as the front ends see them: whether a saved workspace is waiting to be restored, what
 * it holds, and what restoring it did. The file itself is main's business (src/main/session).
 */
import { z } from 'zod';
import { schemaOnUse } from './built-on-use';
import { MAX_UI_LAYOUT_CHARS } from './session-limits';

export * from './session-limits';

export const SessionSummary = schemaOnUse(() =>
  z.object({
    listeners: z.number().int().nonnegative(),
    udpSockets: z.number().int().nonnegative(),
    clients: z.number().int().nonnegative(),
    /** The rest of the workspace in words, e.g. "5 saved messages", "3 auto-reply rules". */
    extras: z.array(z.string()),
    /** Epoch milliseconds. */
    savedAt: z.number(),
  }),
);

export const SessionStatus = schemaOnUse(() =>
  z.discriminatedUnion('state', [
    /** This front end keeps no session (a CLI run, a test). */
    z.object({ state: z.literal('off') }),
    /** Nothing to offer: no saved workspace, or it was restored or set aside already. */
    z.object({ state: z.literal('none') }),
    /** A saved workspace waits for Restore or Start clean; nothing is saved over it until then. */
    z.object({ state: z.literal('offered'), summary: SessionSummary }),
    /** Another Sockscope (process `pid`) keeps the workspace: this one neither restores nor saves it. */
    z.object({ state: z.literal('elsewhere'), pid: z.number().int().nonnegative() }),
    /** The saved file could not be used; it was renamed to `keptAs` and Sockscope started clean. */
    z.object({
      state: z.literal('problem'),
      problem: z.enum(['corrupt', 'future-version']),
      message: z.string(),
      keptAs: z.string(),
    }),
  ]),
);

/** What the renderer keeps of its layout in the session; its shape is the renderer's to check. */
export const UiLayout = schemaOnUse(() =>
  z.record(z.string(), z.json()).refine((layout) => JSON.stringify(layout).length <= MAX_UI_LAYOUT_CHARS, 'The layout is too large to save'),
);

export const RestoreOutcome = schemaOnUse(() =>
  z.object({
    /** Each socket brought back, under its new id. */
    sockets: z.array(z.object({ previousId: z.string(), id: z.string() })),
    /** What could not be brought back, a sentence each ("127.0.0.1:8080 is already in use"). */
    problems: z.array(z.string()),
    ui: UiLayout.optional(),
  }),
);

export type SessionSummary = z.infer<typeof SessionSummary>;
export type SessionStatus = z.infer<typeof SessionStatus>;
export type UiLayout = z.infer<typeof UiLayout>;
export type RestoreOutcome = z.infer<typeof RestoreOutcome>;
