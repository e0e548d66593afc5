/**
 * Scenario files: JSON that people write by hand and keep in their repositories, run by
 * `sockscope run`, `sockscope mock` and the sequences panel. One schema for all of them, so every
 * front end refuses the same mistakes with the same words, naming the field (`steps.3.expect`).
 *
 * ```json
 * { "name": "redis smoke", "target": "tcp://127.0.0.1:6379",
 *   "steps": [ { "send": "SET k {{uuid}}\r\n" }, { "expect": { "contains": "+OK" }, "timeoutMs": 2000 },
 *              { "repeat": 3, "steps": [ { "send": "INCR n\r\n" }, { "expect": { "regex": ":\\d+" } } ] } ] }
 * ```
 */
import { z } from 'zod';
import { schemaOnUse } from './built-on-use';
import { parseHex, toVisibleControls } from './codec';
import { FramingSpec } from './framing';
import { compileMacros } from './macros';
import { compileUserRegex } from './user-regex';

export const DEFAULT_EXPECT_TIMEOUT_MS = 5000;
export const MAX_STEP_TIMEOUT_MS = 600_000;
export const MAX_REPEAT_TIMES = 100_000;
export const MAX_SCENARIO_STEPS = 10_000;
const MAX_PAYLOAD_CHARS = 1024 * 1024;

const TARGET = /^(tcp|udp):\/\/(\[[0-9a-fA-F:.]+\]|[^[\]/:\s]+):(\d{1,5})$/i;
export const ScenarioTarget = schemaOnUse(() =>
  z
    .string()
    .trim()
    .regex(TARGET, 'A target is tcp://host:port or udp://host:port, e.g. tcp://127.0.0.1:6379')
    .refine((text) => {
      const port = Number(TARGET.exec(text)?.[3]);
      return port >= 1 && port <= 65535;
    }, 'The port must be between 1 and 65535'),
);

export function parseScenarioTarget(text: string): { protocol: 'tcp' | 'udp'; host: string; port: number } {
  const match = TARGET.exec(text.trim());
  if (!match) throw new Error(`Not a target: ${text}`);
  const host = match[2].startsWith('[') ? match[2].slice(1, -1) : match[2];
  return { protocol: match[1].toLowerCase() as 'tcp' | 'udp', host, port: Number(match[3]) };
}

const Timeout = schemaOnUse(() =>
  z
    .number({ error: 'timeoutMs must be a number of milliseconds' })
    .int('timeoutMs must be a whole number of milliseconds')
    .min(1, 'timeoutMs must be at least 1')
    .max(MAX_STEP_TIMEOUT_MS, `timeoutMs is at most ${MAX_STEP_TIMEOUT_MS / 1000} s`),
);

const Name = schemaOnUse(() => z.string().trim().max(200, 'A name is at most 200 characters').optional());

const macroText = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .max(MAX_PAYLOAD_CHARS, `${what} is at most 1 MiB of text`)
    .superRefine((text, ctx) => {
      const compiled = compileMacros(text);
      if (!compiled.ok) ctx.addIssue({ code: 'custom', message: compiled.message });
    });

const hexText = schemaOnUse(() =>
  z.string().superRefine((text, ctx) => {
    const parsed = parseHex(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    else if (parsed.bytes.byteLength === 0) ctx.addIssue({ code: 'custom', message: 'Give at least one byte of hex' });
  }),
);

const regexText = schemaOnUse(() =>
  z.string().superRefine((text, ctx) => {
    const compiled = compileUserRegex(text);
    if (!compiled.ok) ctx.addIssue({ code: 'custom', message: compiled.message });
  }),
);

const SendStep = schemaOnUse(() =>
  z
    .strictObject({
      name: Name,
      /** Text with escapes and macros; with `"format": "hex"`, hex bytes. */
      send: z.string({ error: 'send must be a string (the payload)' }).max(MAX_PAYLOAD_CHARS, 'A payload is at most 1 MiB of text'),
      format: z.enum(['text', 'hex']).default('text'),
    })
    .superRefine((step, ctx) => {
      const problem = step.format === 'hex' ? parseHex(step.send) : compileMacros(step.send);
      if (!problem.ok) ctx.addIssue({ code: 'custom', path: ['send'], message: problem.message });
    }),
);

export const ExpectMatch = schemaOnUse(() =>
  z
    .strictObject({
      exact: macroText('exact').optional(),
      contains: macroText('contains').optional(),
      regex: regexText.optional(),
      hex: hexText.optional(),
    })
    .refine(
      (m) => [m.exact, m.contains, m.regex, m.hex].filter((v) => v !== undefined).length === 1,
      'Give exactly one of exact, contains, regex or hex',
    ),
);

const ExpectStep = schemaOnUse(() =>
  z.strictObject({
    name: Name,
    expect: ExpectMatch,
    timeoutMs: Timeout.default(DEFAULT_EXPECT_TIMEOUT_MS),
  }),
);

const DelayStep = schemaOnUse(() =>
  z.strictObject({
    name: Name,
    delay: z
      .number({ error: 'delay must be a number of milliseconds' })
      .int('delay must be a whole number of milliseconds')
      .min(0, 'delay cannot be negative')
      .max(MAX_STEP_TIMEOUT_MS, `delay is at most ${MAX_STEP_TIMEOUT_MS / 1000} s`),
  }),
);

const ConnectStep = schemaOnUse(() =>
  z.strictObject({
    name: Name,
    /** Where to connect, or `true` for the scenario's target. */
    connect: z.union([z.literal(true), ScenarioTarget], { error: 'connect is true (the target) or tcp://host:port' }),
    timeoutMs: Timeout.default(10_000),
  }),
);

const CloseStep = schemaOnUse(() => z.strictObject({ name: Name, close: z.literal(true, { error: 'close is true' }) }));

export type SendStep = z.output<typeof SendStep> & { kind: 'send' };
export type ExpectStep = z.output<typeof ExpectStep> & { kind: 'expect' };
export type DelayStep = z.output<typeof DelayStep> & { kind: 'delay' };
export type ConnectStep = z.output<typeof ConnectStep> & { kind: 'connect' };
export type CloseStep = z.output<typeof CloseStep> & { kind: 'close' };
export interface RepeatStep {
  kind: 'repeat';
  name?: string;
  repeat: number;
  steps: ScenarioStep[];
}
export type ScenarioStep = SendStep | ExpectStep | DelayStep | ConnectStep | CloseStep | RepeatStep;
export type StepKind = ScenarioStep['kind'];

const ACTIONS = ['send', 'expect', 'delay', 'repeat', 'connect', 'close'] as const;

/**
 * One step, told apart by its action key. Checked against that action's own schema so a mistake
 * is named precisely (`steps.2.timeoutMs: …`) instead of "matches none of six shapes".
 */
export const ScenarioStep: z.ZodType<ScenarioStep, unknown> = schemaOnUse(() =>
  z.lazy(() =>
    z.unknown().transform((value, ctx): ScenarioStep => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        ctx.addIssue({ code: 'custom', message: `A step is an object with one of ${ACTIONS.join(', ')}` });
        return z.NEVER;
      }
      const actions = ACTIONS.filter((key) => Object.hasOwn(value, key));
      if (actions.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message: actions.length === 0 ? `A step needs one of ${ACTIONS.join(', ')}` : `A step does one thing: ${actions.join(' and ')} are two`,
        });
        return z.NEVER;
      }
      const kind = actions[0];
      const schema =
        kind === 'repeat' ? RepeatSchema : { send: SendStep, expect: ExpectStep, delay: DelayStep, connect: ConnectStep, close: CloseStep }[kind];
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
        return z.NEVER;
      }
      return { ...parsed.data, kind } as ScenarioStep;
    }),
  ),
);

const Steps = schemaOnUse(() =>
  z
    .array(ScenarioStep, { error: 'steps must be a list of steps' })
    .min(1, 'Give at least one step')
    .max(MAX_SCENARIO_STEPS, `At most ${MAX_SCENARIO_STEPS} steps`),
);

const RepeatSchema = schemaOnUse(() =>
  z.strictObject({
    name: Name,
    repeat: z
      .number({ error: 'repeat must be a number of times' })
      .int('repeat must be a whole number')
      .min(1, 'repeat is at least 1')
      .max(MAX_REPEAT_TIMES, `repeat is at most ${MAX_REPEAT_TIMES}`),
    steps: Steps,
  }),
);

export const Scenario = schemaOnUse(() =>
  z.strictObject({
    name: z.string().trim().min(1, 'A scenario name cannot be empty').max(200).default('scenario'),
    /** Where `run` connects first (and what `connect: true` means); `--target` overrides it. */
    target: ScenarioTarget.optional(),
    /** What one message is for `expect`: absent or raw, the bytes as they stream in; else whole frames. */
    framing: FramingSpec.optional(),
    /** Variables known from the start, for `{{var:name}}` (the command line's `--var` adds to them). */
    vars: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'A variable name is letters, digits and _'), z.string()).default({}),
    steps: Steps,
  }),
);
export type Scenario = z.output<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;

/** A problem found before running, with the field it is in (`steps.6.expect.contains`). */
export interface ScenarioProblem {
  path: string;
  message: string;
}

/** Reads a scenario file's text: JSON first, then the schema, then variables used before they exist. */
export function parseScenarioText(
  text: string,
  extraVars: readonly string[] = [],
): { ok: true; scenario: Scenario } | { ok: false; problems: ScenarioProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [{ path: '(file)', message: `Not JSON: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  const parsed = Scenario.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues
        .slice(0, 10)
        .map((issue) => ({ path: issue.path.length ? issue.path.join('.') : '(top level)', message: issue.message })),
    };
  }
  const problems = undefinedVariables(parsed.data, extraVars);
  return problems.length ? { ok: false, problems } : { ok: true, scenario: parsed.data };
}

/**
 * `{{var:x}}` must come after something that sets x: the scenario's vars, the command line, or an
 * earlier regex expect with a group `(?<x>…)`. Caught here, it is a file mistake (exit 2) rather
 * than a failure in the middle of a run.
 */
export function undefinedVariables(scenario: Scenario, extraVars: readonly string[] = []): ScenarioProblem[] {
  const known = new Set([...Object.keys(scenario.vars), ...extraVars]);
  const problems: ScenarioProblem[] = [];
  const check = (text: string | undefined, path: string): void => {
    if (text === undefined) return;
    const compiled = compileMacros(text);
    if (!compiled.ok) return;
    for (const name of compiled.template.variables) {
      if (!known.has(name))
        problems.push({
          path,
          message: `{{var:${name}}} is used before any step captures "${name}" (a regex expect with (?<${name}>…)) or --var gives it`,
        });
    }
  };
  const walk = (steps: ScenarioStep[], path: string): void => {
    steps.forEach((step, index) => {
      const at = `${path}.${index}`;
      if (step.kind === 'send' && step.format === 'text') check(step.send, `${at}.send`);
      if (step.kind === 'expect') {
        check(step.expect.exact, `${at}.expect.exact`);
        check(step.expect.contains, `${at}.expect.contains`);
        if (step.expect.regex !== undefined) {
          const regex = compileUserRegex(step.expect.regex);
          if (regex.ok) for (const name of regex.regex.groupNames) known.add(name);
        }
      }
      if (step.kind === 'repeat') walk(step.steps, `${at}.steps`);
    });
  };
  walk(scenario.steps, 'steps');
  return problems;
}

/** How a step reads in a status line: `send "GET k\r\n"`, `expect contains "+OK"`. */
export function describeStep(step: ScenarioStep): string {
  if (step.name) return step.name;
  const quote = (text: string): string => `"${toVisibleControls(text.length > 60 ? `${text.slice(0, 60)}…` : text)}"`;
  switch (step.kind) {
    case 'send':
      return `send ${step.format === 'hex' ? 'hex ' : ''}${quote(step.send)}`;
    case 'expect': {
      const [how, what] = Object.entries(step.expect).find(([, v]) => v !== undefined) ?? ['?', ''];
      return `expect ${how} ${quote(String(what))}`;
    }
    case 'delay':
      return `delay ${step.delay} ms`;
    case 'repeat':
      return `repeat ${step.repeat} times`;
    case 'connect':
      return `connect ${step.connect === true ? 'to the target' : step.connect}`;
    case 'close':
      return 'close';
  }
}
