/**
 * Sequences in the app: a scenario run on a socket that is already open (or that opens its own
 * connections), its live status, and a stop. Spread into the contract's `commands`.
 */
import { z } from 'zod';
import { command, schemaOnUse } from './built-on-use';
import { Scenario } from './scenario';

const RunId = schemaOnUse(() => z.string().min(1).max(64));

export const SequenceStepStatus = schemaOnUse(() =>
  z.object({
    /** `3`, or `5.1` inside step 5's repeat; `connect` for the connection to the target. */
    path: z.string(),
    iteration: z.array(z.number().int()),
    label: z.string(),
    kind: z.enum(['send', 'expect', 'delay', 'repeat', 'connect', 'close']),
    state: z.enum(['running', 'passed', 'failed', 'stopped']),
    ms: z.number().optional(),
    /** What matched, what was sent, or why it failed. */
    detail: z.string().optional(),
  }),
);

export const SequenceStatus = schemaOnUse(() =>
  z.object({
    runId: RunId,
    socketId: z.string(),
    name: z.string(),
    state: z.enum(['running', 'passed', 'failed', 'stopped']),
    /** Every step as it ended, the running one last (the most recent MAX_STATUS_STEPS). */
    steps: z.array(SequenceStepStatus),
    /** Steps that ended before the ones listed (a long repeat). */
    earlierSteps: z.number().int().nonnegative(),
    ms: z.number(),
  }),
);

export const MAX_STATUS_STEPS = 500;

/** Most sequences kept, and most characters of one's scenario as typed (the editor takes as many). */
export const MAX_SAVED_SEQUENCES = 500;
export const MAX_SEQUENCE_CHARS = 4 * 1024 * 1024;

/**
 * A sequence the user keeps: the scenario JSON as typed (its `name` is the button's label), kept
 * by main for every window and saved with the workspace. A draft that does not parse yet is kept
 * too: the editor checks it, not the store.
 */
export const SavedSequence = schemaOnUse(() =>
  z.object({
    id: z.string().min(1).max(64),
    text: z.string().max(MAX_SEQUENCE_CHARS, `A sequence holds at most ${MAX_SEQUENCE_CHARS.toLocaleString('en-US')} characters`),
  }),
);

export const sequenceCommands = {
  /** Runs a scenario's steps on socket `id` (a connection: its sends and what it receives). */
  'sequence.run': command(() => ({ input: z.object({ id: z.string().min(1).max(64), scenario: Scenario }), output: z.object({ runId: RunId }) })),
  /**
   * A mock server: on listener `id`, every connection it accepts runs the steps (an expect waits
   * for the client's request, a send answers it) and is closed when they end; until stopped.
   */
  'sequence.serve': command(() => ({ input: z.object({ id: z.string().min(1).max(64), scenario: Scenario }), output: z.object({ runId: RunId }) })),
  /** Where a run stands; the app asks while it shows a running sequence. */
  'sequence.status': command(() => ({ input: z.object({ runId: RunId }), output: SequenceStatus })),
  /** Stops a run at once; stopping one that has ended is not an error. */
  'sequence.stop': command(() => ({ input: z.object({ runId: RunId }), output: z.object({}) })),
  /** The saved sequences, in their order (the same in every window). */
  'sequences.list': command(() => ({ input: z.object({}), output: z.object({ sequences: z.array(SavedSequence) }) })),
  /** Keeps a sequence: a new id is added at the end, a known one replaced where it is. */
  'sequences.save': command(() => ({ input: SavedSequence, output: z.object({}) })),
  /** Forgets a sequence; one already gone (removed in another window) is not an error. */
  'sequences.remove': command(() => ({ input: SavedSequence.pick({ id: true }), output: z.object({}) })),
} as const;

export type SequenceStatus = z.infer<typeof SequenceStatus>;
export type SavedSequence = z.infer<typeof SavedSequence>;
export type SequenceStepStatus = z.infer<typeof SequenceStepStatus>;
