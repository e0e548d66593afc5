/** A scenario run as a JUnit XML report, the format CI systems show test results from. */
import type { ScenarioResult, StepReport } from './runner';

const escapeXml = (text: string): string =>
  text
    .replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch] ?? ch)
    // XML 1.0 cannot carry most control characters at all, escaped or not: matching them is the point.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);

const seconds = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3);

/** Where a step is in the file, as the file's own field path: `steps.5.steps.1`. */
export function stepField(report: Pick<StepReport, 'path' | 'iteration'>): string {
  if (report.path === 'connect') return 'target';
  const field = `steps.${report.path.split('.').join('.steps.')}`;
  return report.iteration.length ? `${field} (round ${report.iteration.join('.')})` : field;
}

export function junitReport(suite: string, result: ScenarioResult, startedAt: Date): string {
  const cases = result.steps.map((step) => {
    const open = `    <testcase classname="${escapeXml(suite)}" name="${escapeXml(`${stepField(step)} ${step.label}`)}" time="${seconds(step.ms)}"`;
    if (step.state === 'failed') {
      const message = escapeXml(step.detail ?? 'failed');
      return `${open}>\n      <failure message="${message}">${message}</failure>\n    </testcase>`;
    }
    if (step.state === 'stopped') return `${open}>\n      <skipped message="stopped"/>\n    </testcase>`;
    return `${open}/>`;
  });
  const failures = result.steps.filter((s) => s.state === 'failed').length;
  const skipped = result.steps.filter((s) => s.state === 'stopped').length;
  const attributes = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(result.ms)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sockscope" ${attributes}>`,
    `  <testsuite name="${escapeXml(suite)}" ${attributes} timestamp="${startedAt.toISOString()}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
