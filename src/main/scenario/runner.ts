/**
 * Runs a scenario's steps over one connection at a time: send, expect, delay, repeat, connect,
 * close. Pure Node and transport-agnostic (a ScenarioLink is anything that sends bytes and hands
 * over what arrives), so the command line, the mock server and the app's sequences share it.
 *
 * What `expect` looks at: without framing, the bytes received since the last expect matched, as
 * they stream in (TCP keeps no message boundaries: `exact` means "the next bytes are exactly",
 * `contains`/`regex` wait until the text turns up and consume through the match). With framing,
 * each expect takes the next whole message and it must match.
 */
import { concatBytes, parseHex, toVisibleText, utf8Decode, utf8Encode } from '@shared/codec';
import type { FramingSpec } from '@shared/framing';
import { compileMacros, type MacroContext, type MacroTemplate, newMacroContext } from '@shared/macros';
import { describeStep, type ExpectStep, parseScenarioTarget, type Scenario, type ScenarioStep } from '@shared/scenario';
import { compileUserRegex, type RegexMatch } from '@shared/user-regex';
import { FrameAssembler } from '../engine/frame-assembler';

/** A connection as the runner sees it. */
export interface ScenarioLink {
  /** `tcp://127.0.0.1:6379`, for messages. */
  readonly description: string;
  send(bytes: Uint8Array): Promise<void>;
  /** Hands over each chunk received (`whole`: a datagram), and the end of the connection. */
  receive(onData: (bytes: Uint8Array, whole: boolean) => void, onClosed: (reason?: string) => void): void;
  close(): Promise<void>;
  /** Stops handing over data without closing (a socket the user keeps after the run). */
  release?(): void;
}

export type Connector = (target: string, timeoutMs: number) => Promise<ScenarioLink>;

export type StepState = 'running' | 'passed' | 'failed' | 'stopped';

export interface StepReport {
  /** Where the step is: `3`, or `5.1` for the second step inside step 5's repeat (0-based). */
  path: string;
  /** The repeat iterations it is inside, 1-based (`[2]`: the second time round). */
  iteration: number[];
  label: string;
  kind: ScenarioStep['kind'];
  state: StepState;
  /** How long it took, once ended. */
  ms?: number;
  /** What matched, or why it failed. */
  detail?: string;
}

export interface ScenarioResult {
  passed: boolean;
  stopped: boolean;
  /** Each step as it ended, in order. */
  steps: StepReport[];
  failure?: StepReport;
  ms: number;
}

export interface RunOptions {
  /** Opens connections (connect steps, and the target before the first step). */
  connect?: Connector;
  /** The connection to run on, already open (the app's socket, a mock's accepted connection). */
  link?: ScenarioLink;
  /** Overrides the scenario's target. */
  target?: string;
  vars?: Record<string, string>;
  /** Counters and variables; a fresh one when absent. */
  context?: MacroContext;
  onStep?: (report: StepReport) => void;
  signal?: AbortSignal;
  /** Closes the last connection when the steps end (default true; false leaves an app socket open). */
  closeAtEnd?: boolean;
}

/** More than this received without an expect to consume it: the oldest bytes are dropped. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;
const SHOWN_BYTES = 120;

class StepFailure extends Error {}
class Stopped extends Error {}

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<ScenarioResult> {
  return new ScenarioRun(scenario, options).run();
}

class ScenarioRun {
  private link: ScenarioLink | undefined;
  private readonly context: MacroContext;
  private pending: Uint8Array = new Uint8Array(0);
  private frames: Uint8Array[] = [];
  private assembler: FrameAssembler | undefined;
  private closedReason: string | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly reports: StepReport[] = [];
  private readonly templates = new WeakMap<object, MacroTemplate>();

  constructor(
    private readonly scenario: Scenario,
    private readonly options: RunOptions,
  ) {
    this.context = options.context ?? newMacroContext();
    for (const [name, value] of Object.entries({ ...scenario.vars, ...options.vars })) this.context.vars.set(name, value);
  }

  async run(): Promise<ScenarioResult> {
    const started = performance.now();
    const { signal } = this.options;
    const onAbort = (): void => this.wake?.();
    signal?.addEventListener('abort', onAbort);
    let failure: StepReport | undefined;
    let stopped = false;
    try {
      if (this.options.link) this.attach(this.options.link);
      const target = this.options.target ?? this.scenario.target;
      if (!this.link && target && this.scenario.steps[0]?.kind !== 'connect') {
        await this.runStep({ kind: 'connect', connect: target, timeoutMs: 10_000 }, 'connect', []);
      }
      await this.runSteps(this.scenario.steps, '', []);
    } catch (error) {
      if (error instanceof Stopped) stopped = true;
      else if (error instanceof StepFailure) failure = this.reports.at(-1);
      else throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (this.link && this.link !== this.options.link && this.options.closeAtEnd !== false) await this.link.close().catch(() => undefined);
      if (this.link === this.options.link && this.options.closeAtEnd === true) await this.link?.close().catch(() => undefined);
      else this.options.link?.release?.();
    }
    return { passed: !failure && !stopped, stopped, steps: this.reports, ...(failure ? { failure } : {}), ms: performance.now() - started };
  }

  private async runSteps(steps: ScenarioStep[], prefix: string, iteration: number[]): Promise<void> {
    for (let index = 0; index < steps.length; index++) {
      const step = steps[index];
      const path = prefix === '' ? String(index) : `${prefix}.${index}`;
      if (step.kind === 'repeat') {
        const report = this.start(step, path, iteration);
        for (let round = 1; round <= step.repeat; round++) await this.runSteps(step.steps, path, [...iteration, round]);
        this.end(report, 'passed', `${step.repeat} time${step.repeat === 1 ? '' : 's'}`);
      } else {
        await this.runStep(step, path, iteration);
      }
    }
  }

  private start(step: ScenarioStep, path: string, iteration: number[]): StepReport & { started: number } {
    if (this.options.signal?.aborted) throw new Stopped();
    const report = { path, iteration, label: describeStep(step), kind: step.kind, state: 'running' as StepState, started: performance.now() };
    this.options.onStep?.(publicReport(report));
    return report;
  }

  private end(report: StepReport & { started: number }, state: StepState, detail?: string): void {
    report.state = state;
    report.ms = Math.round(performance.now() - report.started);
    if (detail !== undefined) report.detail = detail;
    const shown = publicReport(report);
    this.reports.push(shown);
    this.options.onStep?.(shown);
  }

  private async runStep(step: ScenarioStep, path: string, iteration: number[]): Promise<void> {
    const report = this.start(step, path, iteration);
    try {
      const detail = await this.perform(step);
      this.end(report, 'passed', detail);
    } catch (error) {
      if (error instanceof Stopped || this.options.signal?.aborted) {
        this.end(report, 'stopped', 'Stopped');
        throw new Stopped();
      }
      const message = error instanceof Error ? error.message : String(error);
      this.end(report, 'failed', message);
      throw new StepFailure(message);
    }
  }

  private async perform(step: ScenarioStep): Promise<string | undefined> {
    switch (step.kind) {
      case 'send': {
        const link = this.requireLink();
        const bytes = this.payloadOf(step);
        await link.send(bytes);
        return `${bytes.byteLength} byte${bytes.byteLength === 1 ? '' : 's'}: ${shown(bytes)}`;
      }
      case 'expect':
        return this.expect(step);
      case 'delay':
        await this.sleep(step.delay);
        return undefined;
      case 'connect': {
        const connect = this.options.connect;
        if (!connect) throw new Error('This run cannot open connections (it runs on a socket that is already open)');
        const target = step.connect === true ? (this.options.target ?? this.scenario.target) : step.connect;
        if (!target) throw new Error('connect: true needs a target (in the file, or --target)');
        if (this.link) await this.link.close().catch(() => undefined);
        parseScenarioTarget(target);
        this.attach(await this.abortable(connect(target, step.timeoutMs)));
        return this.link?.description;
      }
      case 'close':
        await this.requireLink().close();
        this.link = undefined;
        return undefined;
      case 'repeat':
        throw new Error('A repeat is run by runSteps');
    }
  }

  private attach(link: ScenarioLink): void {
    this.link = link;
    this.pending = new Uint8Array(0);
    this.frames = [];
    this.closed = false;
    this.closedReason = undefined;
    const framing: FramingSpec | undefined = this.scenario.framing;
    this.assembler = framing && framing.mode !== 'raw' ? new FrameAssembler(framing) : undefined;
    link.receive(
      (bytes, whole) => {
        if (this.link !== link) return;
        if (this.assembler) {
          for (const frame of this.assembler.push(bytes, whole, () => undefined)) this.frames.push(frame.slice());
        } else {
          this.pending = concatBytes(this.pending, bytes);
          if (this.pending.byteLength > MAX_PENDING_BYTES) this.pending = this.pending.slice(this.pending.byteLength - MAX_PENDING_BYTES);
        }
        this.wake?.();
      },
      (reason) => {
        if (this.link !== link) return;
        this.closed = true;
        this.closedReason = reason;
        this.wake?.();
      },
    );
  }

  private requireLink(): ScenarioLink {
    if (!this.link) throw new Error('Not connected: give the scenario a target, or add a connect step');
    return this.link;
  }

  private template(owner: object, text: string): MacroTemplate {
    let template = this.templates.get(owner);
    if (!template) {
      const compiled = compileMacros(text);
      if (!compiled.ok) throw new Error(compiled.message);
      template = compiled.template;
      this.templates.set(owner, template);
    }
    return template;
  }

  private evaluate(owner: object, text: string): Uint8Array {
    // A MacroError (a variable that does not exist) fails the step with its own message.
    return this.template(owner, text).evaluate(this.context);
  }

  private payloadOf(step: Extract<ScenarioStep, { kind: 'send' }>): Uint8Array {
    if (step.format === 'hex') {
      const parsed = parseHex(step.send);
      if (!parsed.ok) throw new Error(parsed.message);
      return parsed.bytes;
    }
    return this.evaluate(step, step.send);
  }

  private async expect(step: ExpectStep): Promise<string> {
    this.requireLink();
    const matcher = this.matcherFor(step);
    const deadline = performance.now() + step.timeoutMs;
    for (;;) {
      if (this.options.signal?.aborted) throw new Stopped();
      if (this.assembler) {
        const frame = this.frames.shift();
        if (frame) {
          const result = matcher.whole(frame);
          if (result === false) throw new Error(`${matcher.wanted}, got ${shown(frame)}`);
          return this.matched(result, frame);
        }
      } else {
        const result = matcher.stream(this.pending);
        if (result === false) throw new Error(`${matcher.wanted}, got ${shown(this.pending)}`);
        if (result !== undefined) {
          const taken = this.pending.subarray(0, result.consumed);
          this.pending = this.pending.slice(result.consumed);
          return this.matched(result, taken);
        }
      }
      if (this.closed) {
        throw new Error(
          `The connection closed${this.closedReason ? ` (${this.closedReason})` : ''} before ${matcher.wanted.replace(/^Expected /, '')}; received ${this.receivedSoFar()}`,
        );
      }
      const left = deadline - performance.now();
      if (left <= 0)
        throw new Error(
          `Timed out after ${step.timeoutMs} ms: ${matcher.wanted.charAt(0).toLowerCase()}${matcher.wanted.slice(1)}; received ${this.receivedSoFar()}`,
        );
      await this.waitForData(left);
    }
  }

  private matched(result: { match?: RegexMatch }, bytes: Uint8Array): string {
    if (result.match) {
      for (const [name, value] of Object.entries(result.match.named)) if (value !== undefined) this.context.vars.set(name, value);
    }
    const captured = result.match ? Object.entries(result.match.named).filter(([, v]) => v !== undefined) : [];
    return `${shown(bytes)}${captured.length ? ` → ${captured.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}` : ''}`;
  }

  private receivedSoFar(): string {
    if (this.assembler) return this.frames.length ? `${this.frames.length} other message(s)` : 'nothing more';
    return this.pending.byteLength ? shown(this.pending) : 'nothing';
  }

  private matcherFor(step: ExpectStep): Matcher {
    const { exact, contains, regex, hex } = step.expect;
    if (regex !== undefined) {
      const compiled = compileUserRegex(regex);
      if (!compiled.ok) throw new Error(compiled.message);
      const pattern = compiled.regex;
      return {
        wanted: `Expected a match for /${regex}/`,
        whole: (frame) => {
          const match = pattern.exec(utf8Decode(frame));
          return match ? { consumed: frame.byteLength, match } : false;
        },
        stream: (pending) => {
          const text = utf8Decode(pending);
          const match = pattern.exec(text);
          if (!match) return undefined;
          return { consumed: Math.min(pending.byteLength, utf8Encode(text.slice(0, match.index + match.text.length)).byteLength), match };
        },
      };
    }
    if (contains !== undefined) {
      const wanted = Buffer.from(this.evaluate(step.expect, contains));
      return {
        wanted: `Expected something containing ${shown(wanted)}`,
        whole: (frame) => (Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).includes(wanted) ? { consumed: frame.byteLength } : false),
        stream: (pending) => {
          const at = Buffer.from(pending.buffer, pending.byteOffset, pending.byteLength).indexOf(wanted);
          return at < 0 ? undefined : { consumed: at + wanted.byteLength };
        },
      };
    }
    let bytes: Uint8Array;
    if (hex !== undefined) {
      const parsed = parseHex(hex);
      if (!parsed.ok) throw new Error(parsed.message);
      bytes = parsed.bytes;
    } else {
      bytes = this.evaluate(step.expect, exact ?? '');
    }
    const wanted = Buffer.from(bytes);
    return {
      wanted: `Expected exactly ${shown(wanted)}`,
      whole: (frame) => (wanted.equals(frame) ? { consumed: frame.byteLength } : false),
      stream: (pending) => {
        const have = Buffer.from(pending.buffer, pending.byteOffset, pending.byteLength);
        const common = Math.min(have.byteLength, wanted.byteLength);
        // Bytes that already differ fail now, not at the timeout.
        if (!have.subarray(0, common).equals(wanted.subarray(0, common))) return false;
        return have.byteLength >= wanted.byteLength ? { consumed: wanted.byteLength } : undefined;
      },
    };
  }

  private waitForData(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = (): void => done();
      this.wake = wake;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    }).then(() => {
      this.wake = undefined;
    });
  }

  private async sleep(ms: number): Promise<void> {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      if (this.options.signal?.aborted) throw new Stopped();
      // Data arriving wakes the wait too; keep sleeping until the time is up.
      await this.waitForData(until - performance.now());
    }
    if (this.options.signal?.aborted) throw new Stopped();
  }

  private abortable<T>(promise: Promise<T>): Promise<T> {
    const { signal } = this.options;
    if (!signal) return promise;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(new Stopped());
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }
}

interface Matcher {
  /** "Expected exactly "+OK\r\n"", for failure messages. */
  wanted: string;
  /** A whole framed message: matches, or fails. */
  whole(frame: Uint8Array): { consumed: number; match?: RegexMatch } | false;
  /** The stream so far: matched (and how much to consume), not yet (undefined), or cannot match (false). */
  stream(pending: Uint8Array): { consumed: number; match?: RegexMatch } | false | undefined;
}

function shown(bytes: Uint8Array): string {
  const text = toVisibleText(bytes.subarray(0, SHOWN_BYTES));
  return `"${text}"${bytes.byteLength > SHOWN_BYTES ? `… (${bytes.byteLength} bytes)` : ''}`;
}

function publicReport(report: StepReport & { started?: number }): StepReport {
  const { started: _started, ...rest } = report;
  return { ...rest, iteration: [...rest.iteration] };
}
