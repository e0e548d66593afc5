/**
 * Repeated sends: one payload `count` times and/or every `intervalMs`. They run in the engine,
 * so they go on when a window reloads, and every window sees their progress (SocketInfo.repeat).
 */
import type { ErrorInfo, RepeatStatus } from '@shared/contract';
import { formatInteger } from '@shared/codec';
import { repeatTiming } from '@shared/repeat-timing';
import { describeError, EngineError } from './errors';
import { now } from './log';

export interface RepeatPlan {
  count?: number;
  intervalMs?: number;
  /** The size of each send, for display. */
  bytes: number;
}

/** What a job needs from the socket it runs on. */
export interface RepeatSocket {
  id: string;
  /** Sends the payload once; resolves when the kernel has taken it. */
  send(): Promise<unknown>;
  /** Shows the job's progress on the socket. */
  report(status: RepeatStatus): void;
  /** Notes the start and end in the socket's log. */
  note(message: string): void;
}

/** Back-to-back sends give the event loop a turn this often, so reads and commands keep flowing. */
const YIELD_EVERY = 64;

interface Job {
  status: RepeatStatus;
  socket: RepeatSocket;
  stopped: boolean;
  /** Wakes a job waiting for its next interval, so a stop takes effect at once. */
  wake: (() => void) | undefined;
}

export class RepeatSender {
  private readonly jobs = new Map<string, Job>();
  /**
   * Sockets whose job is sending its first payload: claimed before that await, or two starts
   * made in the same moment would both pass the check and both run.
   */
  private readonly starting = new Map<string, string>();
  private nextJob = 1;

  /**
   * Sends once right away, so a payload that cannot be sent (closed socket, no connections) is
   * an error of this call; then goes on in the background. Returns the job id.
   */
  async start(socket: RepeatSocket, plan: RepeatPlan): Promise<string> {
    const running = this.starting.get(socket.id) ?? [...this.jobs.values()].find((job) => job.socket.id === socket.id)?.status.jobId;
    if (running) {
      throw new EngineError('BUSY', `A repeated send (${running}) is already running on ${socket.id}: stop it first`);
    }
    const jobId = `rep-${this.nextJob++}`;
    this.starting.set(socket.id, jobId);
    const startedAt = now();
    let gone: boolean;
    socket.note(`Repeating ${describePlan(plan)} (${jobId})`);
    try {
      await socket.send();
    } catch (error) {
      socket.note(`Repeat ${jobId} failed: ${describeError(error, { operation: 'send' }).message}`);
      throw error;
    } finally {
      gone = this.starting.get(socket.id) !== jobId;
      if (!gone) this.starting.delete(socket.id);
    }
    // The socket was removed while its first send was on its way: nothing to repeat on.
    if (gone) return jobId;
    const status: RepeatStatus = {
      jobId,
      state: 'running',
      sent: 1,
      intervalMs: plan.intervalMs ?? 0,
      bytes: plan.bytes,
      ...(plan.count === undefined ? {} : { total: plan.count }),
      startedAt,
    };
    const job: Job = { status, socket, stopped: false, wake: undefined };
    this.jobs.set(jobId, job);
    if (plan.count === 1) this.end(job, 'finished');
    else {
      socket.report({ ...status });
      void this.run(job);
    }
    return jobId;
  }

  /** Stops a job; one that has already ended (or was never heard of but could have been) is fine. */
  cancel(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (job) {
      this.end(job, 'stopped');
      return;
    }
    const number = /^rep-(\d+)$/.exec(jobId);
    if (!number || Number(number[1]) >= this.nextJob) {
      throw new EngineError('NOT_FOUND', `No repeated send with id ${jobId}`);
    }
  }

  /** The socket is going away: stop its job without reporting to it. */
  forget(socketId: string): void {
    this.starting.delete(socketId);
    for (const [jobId, job] of this.jobs) {
      if (job.socket.id !== socketId) continue;
      job.stopped = true;
      job.wake?.();
      this.jobs.delete(jobId);
    }
  }

  dispose(): void {
    for (const job of this.jobs.values()) this.forget(job.socket.id);
  }

  private async run(job: Job): Promise<void> {
    const { status } = job;
    const interval = status.intervalMs;
    let due = performance.now() + interval;
    while (!job.stopped && (status.total === undefined || status.sent < status.total)) {
      if (interval > 0) {
        await this.sleepUntil(job, due);
        if (job.stopped) return;
        // Keep to the schedule, but after a stall (a slow peer) do not fire a burst to catch up.
        due = Math.max(due + interval, performance.now());
      } else if (status.sent % YIELD_EVERY === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (job.stopped) return;
      }
      try {
        await job.socket.send();
      } catch (error) {
        if (!job.stopped) this.end(job, 'failed', describeError(error, { operation: 'send' }));
        return;
      }
      if (job.stopped) return;
      status.sent++;
      job.socket.report({ ...status });
    }
    if (!job.stopped) this.end(job, 'finished');
  }

  private sleepUntil(job: Job, due: number): Promise<void> {
    const wait = due - performance.now();
    if (wait <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        job.wake = undefined;
        resolve();
      }, wait);
      job.wake = () => {
        clearTimeout(timer);
        job.wake = undefined;
        resolve();
      };
    });
  }

  private end(job: Job, state: 'finished' | 'stopped' | 'failed', error?: ErrorInfo): void {
    job.stopped = true;
    job.wake?.();
    this.jobs.delete(job.status.jobId);
    const status: RepeatStatus = { ...job.status, state, endedAt: now(), ...(error ? { error } : {}) };
    job.socket.report(status);
    const timing = repeatTiming(status);
    const sends = `${formatInteger(status.sent)} of ${status.total === undefined ? '∞' : formatInteger(status.total)} sent${timing ? ` ${timing}` : ''}`;
    const ending = { finished: 'finished', stopped: 'stopped', failed: `failed: ${error?.message ?? 'unknown error'}` }[state];
    job.socket.note(`Repeat ${status.jobId} ${ending} (${sends})`);
  }
}

function describePlan(plan: RepeatPlan): string {
  const size = `${plan.bytes} byte${plan.bytes === 1 ? '' : 's'}`;
  const times = plan.count === undefined ? '' : ` ${plan.count} time${plan.count === 1 ? '' : 's'}`;
  const every = plan.intervalMs === undefined ? (plan.count === undefined ? '' : ', back to back') : ` every ${plan.intervalMs} ms`;
  const until = plan.count === undefined ? ' until stopped' : '';
  return `${size}${times}${every}${until}`;
}
