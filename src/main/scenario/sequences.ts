/**
 * Sequences run from the app: on the socket the user picked, through the engine, with a status
 * the app polls while it shows the run. Finished runs are kept (a few) so the last result stays
 * visible; each engine has its own set.
 */
import type { z } from 'zod';
import { MAX_STATUS_STEPS, type SequenceStatus, type sequenceCommands } from '@shared/sequences';
import { type Engine, EngineError } from '../engine/engine';
import { onePerEngine } from '../per-engine';
import { engineConnector, engineLink } from './engine-link';
import { runScenario, type StepReport } from './runner';

type RunInput = z.output<(typeof sequenceCommands)['sequence.run']['input']>;

interface Run {
  status: SequenceStatus;
  controller: AbortController;
}

/** Ended runs kept for their status. */
const KEEP_ENDED = 20;

export class Sequences {
  private readonly runs = new Map<string, Run>();
  private nextRun = 1;

  constructor(private readonly engine: Engine) {}

  run({ id, scenario }: RunInput): { runId: string } {
    const info = this.engine.info(id);
    if (info.kind === 'tcp-listener') throw new EngineError('UNSUPPORTED', "A sequence runs on a connection: pick one of the listener's connections");
    if (info.kind === 'imported') throw new EngineError('READ_ONLY', `${id} is an imported log; it cannot send`);
    const { runId, status, controller } = this.begin(id, scenario.name);
    const started = performance.now();
    const onStep = (report: StepReport): void => {
      // A step's running entry is replaced by how it ended (a repeat's, after its own steps).
      if (report.state !== 'running') {
        const at = status.steps.findLastIndex((s) => s.state === 'running' && s.path === report.path && sameIteration(s.iteration, report.iteration));
        if (at >= 0) status.steps.splice(at, 1);
      }
      record(status, report);
      status.ms = performance.now() - started;
    };
    const link = info.state === 'open' ? engineLink(this.engine, id) : undefined;
    // Without a framing of its own, expects take the messages the user sees in the socket's view.
    const framing = scenario.framing ?? info.framing;
    void runScenario(framing ? { ...scenario, framing } : scenario, {
      ...(link ? { link } : {}),
      connect: engineConnector(this.engine),
      context: this.engine.macroContext(id),
      closeAtEnd: false,
      signal: controller.signal,
      onStep,
    })
      .then((result) => {
        status.state = result.passed ? 'passed' : result.stopped ? 'stopped' : 'failed';
      })
      .catch((error: unknown) => {
        status.state = 'failed';
        status.steps.push({
          path: 'run',
          iteration: [],
          label: 'run',
          kind: 'close',
          state: 'failed',
          detail: error instanceof Error ? error.message : String(error),
        });
      })
      .finally(() => {
        status.ms = performance.now() - started;
        this.prune();
      });
    return { runId };
  }

  serve({ id, scenario }: RunInput): { runId: string } {
    if (this.engine.info(id).kind !== 'tcp-listener') throw new EngineError('UNSUPPORTED', 'A mock server runs on a TCP listener: open one first');
    const { runId, status, controller } = this.begin(id, scenario.name);
    const started = performance.now();
    const served = new Set<string>();
    const unsubscribe = this.engine.subscribe(
      (event) => {
        if (event.type !== 'socket.upsert' || event.socket.parentId !== id || event.socket.state !== 'open' || served.has(event.socket.id)) return;
        const connection = event.socket.id;
        served.add(connection);
        void runScenario(scenario, {
          link: engineLink(this.engine, connection, { fromStart: true }),
          context: this.engine.macroContext(connection),
          closeAtEnd: true,
          signal: controller.signal,
          onStep: (report) => {
            if (report.state === 'running') return;
            record(status, { ...report, label: `${connection}: ${report.label}` });
            status.ms = performance.now() - started;
          },
        });
      },
      ['socket.upsert'],
      ['tcp-connection'],
    );
    controller.signal.addEventListener('abort', () => {
      unsubscribe();
      status.state = 'stopped';
      status.ms = performance.now() - started;
      this.prune();
    });
    return { runId };
  }

  /** A new run on socket `id`, refused while another runs there. */
  private begin(id: string, name: string): { runId: string } & Run {
    const busy = [...this.runs.values()].find((r) => r.status.socketId === id && r.status.state === 'running');
    if (busy) throw new EngineError('BUSY', `Sequence "${busy.status.name}" is already running on ${id}: stop it first`);
    const runId = `seq-${this.nextRun++}`;
    const run: Run = {
      status: { runId, socketId: id, name, state: 'running', steps: [], earlierSteps: 0, ms: 0 },
      controller: new AbortController(),
    };
    this.runs.set(runId, run);
    return { runId, ...run };
  }

  status(runId: string): SequenceStatus {
    const run = this.runs.get(runId);
    if (!run) throw new EngineError('NOT_FOUND', `No sequence run with id ${runId}`);
    return { ...run.status, steps: [...run.status.steps] };
  }

  stop(runId: string): void {
    this.runs.get(runId)?.controller.abort();
  }

  private prune(): void {
    const ended = [...this.runs.entries()].filter(([, r]) => r.status.state !== 'running');
    for (const [runId] of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) this.runs.delete(runId);
  }
}

/** Adds a step to a status, keeping the most recent MAX_STATUS_STEPS. */
function record(status: SequenceStatus, report: StepReport): void {
  status.steps.push(report);
  if (status.steps.length > MAX_STATUS_STEPS) {
    status.steps.shift();
    status.earlierSteps++;
  }
}

function sameIteration(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** The engine's sequences (made on first use, so the dispatcher needs no new wiring). */
export const sequencesOf = onePerEngine((engine) => new Sequences(engine));
