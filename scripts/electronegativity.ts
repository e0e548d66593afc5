/**
 * Electronegativity (Doyensec's Electron security scanner) over the source, as part of
 * `npm test`. It fails on any high or medium finding, and on any file the scanner could not
 * parse: a file it cannot read is a file it did not check. Low and informational findings are
 * printed for review.
 *
 * An accepted finding is silenced where it occurs, with `// eng-disable CHECK_ID` and a comment
 * that says why.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { z } from 'zod';

const root = resolve(__dirname, '..');
const scanned = resolve(root, 'src');

/**
 * Skipped: it downloads Electron's release list from GitHub to look for newer patch releases,
 * which a test must not depend on (and this network refuses). Keeping Electron current is the
 * dependency updates' job.
 */
const EXCLUDED_CHECKS = ['availablesecurityfixesglobalcheck'];

const Level = z.object({ name: z.string(), value: z.number() });
const Report = z.object({
  errors: z.array(z.object({ file: z.string(), message: z.string(), tolerable: z.boolean() })),
  issues: z.array(
    z.object({
      id: z.string(),
      file: z.string(),
      location: z.object({ line: z.number(), column: z.number() }),
      severity: Level,
      confidence: Level,
      description: z.string(),
      shortenedURL: z.string().optional(),
    }),
  ),
});
const PackageJson = z.object({ devDependencies: z.object({ electron: z.string() }) });
const Run = z.function({ input: [z.unknown(), z.boolean()], output: z.promise(z.unknown()) });

async function main(): Promise<number> {
  const electronVersion = PackageJson.parse(JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'))).devDependencies.electron;
  // The scanner is CommonJS without types: its entry and its report are checked with zod here.
  const run = Run.implementAsync(createRequire(__filename)('@doyensec/electronegativity') as (...args: unknown[]) => Promise<unknown>);
  const report = Report.parse(
    await run(
      {
        input: scanned,
        output: undefined,
        isSarif: false,
        customScan: [],
        excludeFromScan: EXCLUDED_CHECKS,
        severitySet: undefined,
        confidenceSet: undefined,
        isRelative: true,
        isVerbose: true,
        electronUpgrade: undefined,
        // The loader looks for package.json inside the scanned folder only.
        electronVersionOverride: electronVersion,
        parserPlugins: [],
      },
      false,
    ),
  );

  const unparsed = report.errors.filter((error) => !error.tolerable);
  for (const error of unparsed) console.error(`could not parse ${relative(root, error.file)}: ${error.message}`);
  const blocking = report.issues.filter((issue) => issue.severity.value >= 2);
  for (const issue of [...report.issues].sort((a, b) => b.severity.value - a.severity.value)) {
    const where = `src/${issue.file}:${issue.location.line}:${issue.location.column}`;
    const level = `${issue.severity.name}/${issue.confidence.name}`;
    console.log(
      `${issue.severity.value >= 2 ? '✗' : '·'} ${level.padEnd(23)} ${issue.id.padEnd(32)} ${where}\n    ${issue.description} ${issue.shortenedURL ?? ''}`,
    );
  }
  if (blocking.length > 0 || unparsed.length > 0) {
    console.error(
      `Electronegativity: ${blocking.length} high or medium finding(s), ${unparsed.length} file(s) not parsed. ` +
        'Fix them, or silence one where it occurs with `// eng-disable CHECK_ID` and a comment saying why.',
    );
    return 1;
  }
  console.log(`Electronegativity: no high or medium findings (${report.issues.length} low or informational, listed above).`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Electronegativity could not run:', error);
    process.exit(1);
  },
);
