/** The results table: one row per figure, with its reference, ratio, target and verdict. */
import { cpus } from 'node:os';

export interface Row {
  benchmark: string;
  measure: string;
  sockscope: string;
  reference?: string;
  ratio?: number;
  target?: string;
  /** Undefined when there is no target for this figure. */
  pass?: boolean;
}

export function verdict(row: Row): string {
  if (row.pass === undefined) return '';
  return row.pass ? 'PASS' : 'MISS';
}

export function markdownTable(rows: Row[]): string {
  const header = ['Benchmark', 'Measure', 'Sockscope', 'Reference', 'Ratio', 'Target', 'Result'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) {
    const cells = [
      row.benchmark,
      row.measure,
      row.sockscope,
      row.reference ?? '',
      row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}×`,
      row.target ?? '',
      verdict(row),
    ];
    lines.push(`| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** A plain-text table for the terminal. */
export function textTable(rows: Row[]): string {
  const header = ['Benchmark', 'Measure', 'Sockscope', 'Reference', 'Ratio', 'Target', 'Result'];
  const cells = rows.map((row) => [
    row.benchmark,
    row.measure,
    row.sockscope,
    row.reference ?? '',
    row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`,
    row.target ?? '',
    verdict(row),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const format = (c: string[]): string =>
    c
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...cells.map(format)].join('\n');
}

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length} · Node ${process.version} · ${process.platform} ${process.arch}`;
}

export const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
export const mbPerSec = (bytesPerSec: number): string => `${(bytesPerSec / 1e6).toFixed(0)} MB/s`;
export const perSecond = (n: number, unit: string): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M ${unit}/s` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k ${unit}/s` : `${n.toFixed(0)} ${unit}/s`;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Rounds of one figure: judged on the median (a target that passes only on the best round is a
 * property of one quiet moment, not of the product); best and spread are shown beside it.
 */
export interface Rounds {
  median: number;
  best: number;
  min: number;
  max: number;
  count: number;
}

/** `higherIsBetter` picks which end is the best round. */
export function spreadOf(values: number[], higherIsBetter = true): Rounds {
  if (values.length === 0) return { median: NaN, best: NaN, min: NaN, max: NaN, count: 0 };
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median: median(values), best: higherIsBetter ? max : min, min, max, count: values.length };
}

/** A time in ms measured once per run (a flood, a round): the runs' median, and their spread when there were several. */
export function msAcross<T>(runs: T[], of: (run: T) => number): { median: number; text: string } {
  const ms = (value: number): string => `${value.toFixed(0)} ms`;
  const spread = spreadOf(runs.map(of), false);
  return { median: spread.median, text: runs.length === 1 ? ms(spread.median) : `${ms(spread.median)} (${ms(spread.min)}–${ms(spread.max)})` };
}

/** Ratios a[i] / b[i] round by round: both were measured minutes apart, under the same load. */
export function pairedRatios(a: number[], b: number[]): number[] {
  return a.map((value, i) => value / b[i]);
}

/** `median 0.91× (best 0.97×, 0.84–0.97×, 5 rounds)` */
export function ratioSpread(r: Rounds): string {
  return `median ${r.median.toFixed(2)}× (best ${r.best.toFixed(2)}×, ${r.min.toFixed(2)}–${r.max.toFixed(2)}×, ${r.count} rounds)`;
}

/** `median X (best Y, min–max)` with a formatter for the unit. */
export function valueSpread(r: Rounds, format: (n: number) => string): string {
  return `median ${format(r.median)} (best ${format(r.best)}, ${format(r.min)}–${format(r.max)})`;
}
