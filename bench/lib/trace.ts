/**
 * A Chrome trace of a page while a benchmark runs (the DevTools Performance panel's recording), and
 * the long tasks in it: where a frame went. `BENCH_UI_TRACE=dir` turns it on for the UI benchmark;
 * the files open in chrome://tracing or the DevTools Performance panel.
 */
import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Time the thread was on a CPU during the event (dur is wall time). */
  tdur?: number;
  args?: { name?: string; data?: { url?: string; functionName?: string; type?: string } };
}

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'v8',
  'blink.user_timing',
  'loading',
  'disabled-by-default-v8.cpu_profiler',
].join(',');

/** Starts recording; the returned function stops, writes the trace to `file` and returns its events. */
export async function startTrace(page: Page): Promise<(file: string) => Promise<TraceEvent[]>> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (data: { value: object[] }) => events.push(...(data.value as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  return async (file) => {
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
    writeFileSync(file, JSON.stringify({ traceEvents: events }));
    return events;
  };
}

function rendererMainThreads(events: TraceEvent[]): Set<string> {
  return new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
}

/**
 * CPU milliseconds the page's main thread (the renderer thread that took the first click) spent
 * evaluating module scripts before that click (the first render is inside the entry's) and in the
 * click's task: figures of the page's own work that a busy machine moves far less than wall times.
 */
export function pageCpu(events: TraceEvent[]): { evaluateModule: number; firstClickTask: number } {
  const mainThreads = rendererMainThreads(events);
  const click = events.find(
    (e) => e.ph === 'X' && e.name === 'EventDispatch' && e.args?.data?.type === 'click' && mainThreads.has(`${e.pid}:${e.tid}`),
  );
  if (!click) return { evaluateModule: NaN, firstClickTask: NaN };
  const onPage = events.filter((e) => e.ph === 'X' && e.pid === click.pid && e.tid === click.tid);
  const cpu = (e: TraceEvent): number => (e.tdur ?? 0) / 1000;
  const evaluateModule = onPage.filter((e) => e.name === 'v8.evaluateModule' && e.ts < click.ts).reduce((sum, e) => sum + cpu(e), 0);
  const task = onPage.find((e) => e.name === 'RunTask' && e.ts <= click.ts && click.ts < e.ts + (e.dur ?? 0));
  return { evaluateModule, firstClickTask: task ? cpu(task) : NaN };
}

/**
 * The renderer main thread's tasks of at least `minMs`, each with the longest things it did
 * (script by function and file, layout, style, garbage collection), one line each. Each says its
 * wall time and the time the thread was on a CPU: a task far longer than its CPU time was waiting
 * for one (a loaded machine), not working. The trace holds JavaScript samples too
 * (v8.cpu_profiler), for the Performance panel's call tree.
 */
export function longTasks(events: TraceEvent[], minMs: number): string[] {
  const mainThreads = rendererMainThreads(events);
  const onMain = events.filter((e) => e.ph === 'X' && e.dur !== undefined && mainThreads.has(`${e.pid}:${e.tid}`));
  const start = Math.min(...onMain.map((e) => e.ts));
  const tasks = onMain.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) >= minMs * 1000).sort((a, b) => a.ts - b.ts);
  const inner = onMain.filter((e) => e.name !== 'RunTask' && (e.dur ?? 0) >= 1000);
  return tasks.map((task) => {
    const end = task.ts + (task.dur ?? 0);
    const parts = inner
      .filter((e) => e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end)
      .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
      .slice(0, 6)
      .map((e) => {
        const data = e.args?.data;
        const where = data?.functionName || data?.url ? ` ${data.functionName ?? ''}@${(data.url ?? '').split('/').pop()}` : '';
        const type = data?.type ? ` ${data.type}` : '';
        const cpu = e.tdur === undefined ? '' : `/${(e.tdur / 1000).toFixed(1)}`;
        return `${e.name}${type}${where} ${((e.dur ?? 0) / 1000).toFixed(1)}${cpu}`;
      });
    const cpu = task.tdur === undefined ? '' : ` (cpu ${(task.tdur / 1000).toFixed(1)})`;
    return `${((task.ts - start) / 1000).toFixed(0).padStart(6)} ms  ${((task.dur ?? 0) / 1000).toFixed(1).padStart(6)} ms${cpu}  ${parts.join(' · ')}`;
  });
}
