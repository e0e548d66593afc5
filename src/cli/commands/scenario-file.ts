/** What `run` and `mock` share: reading a scenario file and the options that feed it variables. */
import { readFile } from 'node:fs/promises';
import { parseScenarioText, type Scenario } from '@shared/scenario';
import { loadUserRegex } from '@shared/user-regex';
import { stepField } from '../../main/scenario/junit';
import type { StepReport } from '../../main/scenario/runner';
import type { CommandOutput } from './ports';

export type { CommandOutput } from './ports';

/** Exit codes: every step passed, one failed, the input is wrong. */
export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_INVALID = 2;

export const processOutput: CommandOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** `--var k=v`, repeatable. */
export function collectVar(text: string, previous: string[]): string[] {
  return [...previous, text];
}

export function parseVars(pairs: readonly string[]): { ok: true; vars: Record<string, string> } | { ok: false; message: string } {
  const vars: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) return { ok: false, message: `--var ${JSON.stringify(pair)}: write name=value, the name in letters, digits and _` };
    vars[match[1]] = match[2];
  }
  return { ok: true, vars };
}

/** The scenario in `path`, or every problem with it printed (field: why) and null. */
export async function loadScenario(path: string, extraVars: readonly string[], output: CommandOutput): Promise<Scenario | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    output.err(`sockscope: cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : String(error)}\n`);
    return null;
  }
  await loadUserRegex();
  const parsed = parseScenarioText(text, extraVars);
  if (parsed.ok) return parsed.scenario;
  output.err(`sockscope: ${path} is not a valid scenario:\n`);
  for (const problem of parsed.problems) output.err(`  ${problem.path}: ${problem.message}\n`);
  return null;
}

/** `  ✓ steps.3 expect regex "…"  12 ms  "$36\r\n…" → v="…"` */
export function formatStep(report: StepReport, prefix = ''): string {
  const mark = { passed: '✓', failed: '✗', stopped: '■', running: '…' }[report.state];
  const detail = report.detail ? `  ${report.detail}` : '';
  return `${prefix}  ${mark} ${stepField(report)} ${report.label}  ${report.ms ?? 0} ms${detail}\n`;
}
