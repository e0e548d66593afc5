/**
 * `sockscope run <scenario.json>`: a scenario's steps headless, for CI. Prints each step as it
 * ends; exits 0 when every step passed, 1 when one failed, 2 when the file or an option is wrong.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ScenarioTarget } from '@shared/scenario';
import { junitReport, stepField } from '../../main/scenario/junit';
import { netConnector } from '../../main/scenario/net-link';
import { runScenario } from '../../main/scenario/runner';
import {
  collectVar,
  type CommandOutput,
  EXIT_FAILED,
  EXIT_INVALID,
  EXIT_PASSED,
  formatStep,
  loadScenario,
  parseVars,
  processOutput,
} from './scenario-file';

interface RunOptions {
  target?: string;
  var: string[];
  junit?: string;
}

export function registerRun(program: Command, output: CommandOutput = processOutput): void {
  program
    .command('run')
    .description('run a scenario file (send / expect steps) against a server; exit 0 passed, 1 failed, 2 invalid file')
    .argument('<scenario>', 'the scenario JSON file')
    .option('--target <url>', "connect to tcp://host:port (or udp://) instead of the file's target")
    .option('--var <name=value>', 'a variable for {{var:name}} (repeat for more)', collectVar, [])
    .option('--junit <file>', 'also write the result as a JUnit XML report')
    .action(async (file: string, options: RunOptions) => {
      process.exitCode = await runCommand(file, options, output);
    });
}

export async function runCommand(file: string, options: RunOptions, output: CommandOutput): Promise<number> {
  const vars = parseVars(options.var);
  if (!vars.ok) {
    output.err(`sockscope: ${vars.message}\n`);
    return EXIT_INVALID;
  }
  if (options.target !== undefined) {
    const target = ScenarioTarget.safeParse(options.target);
    if (!target.success) {
      output.err(`sockscope: --target: ${target.error.issues[0].message}\n`);
      return EXIT_INVALID;
    }
  }
  const scenario = await loadScenario(file, Object.keys(vars.vars), output);
  if (!scenario) return EXIT_INVALID;
  const target = options.target ?? scenario.target;
  if (!target && scenario.steps[0]?.kind !== 'connect') {
    output.err(`sockscope: ${file} has no target and does not start with a connect step: give --target tcp://host:port\n`);
    return EXIT_INVALID;
  }
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const startedAt = new Date();
  output.out(`${scenario.name}${target ? ` → ${target}` : ''}\n`);
  const result = await runScenario(scenario, {
    connect: netConnector,
    ...(target ? { target } : {}),
    vars: vars.vars,
    signal: controller.signal,
    onStep: (report) => report.state !== 'running' && output.out(formatStep(report)),
  });
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  if (options.junit) {
    try {
      await writeFile(options.junit, junitReport(scenario.name, result, startedAt));
    } catch (error) {
      output.err(`sockscope: cannot write ${options.junit}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  const count = `${result.steps.length} step${result.steps.length === 1 ? '' : 's'} in ${Math.round(result.ms)} ms`;
  if (result.passed) {
    output.out(`PASS ${scenario.name}: ${count}\n`);
    return EXIT_PASSED;
  }
  const failure = result.failure;
  output.out(
    failure
      ? `FAIL ${scenario.name}: ${stepField(failure)} (${failure.label}) failed: ${failure.detail ?? ''}\n`
      : `STOPPED ${scenario.name} after ${count}\n`,
  );
  return EXIT_FAILED;
}
