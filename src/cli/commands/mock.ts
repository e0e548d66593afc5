/**
 * `sockscope mock <scenario.json> --listen tcp://host:port`: a stand-in server. Every accepted
 * connection runs the scenario's steps (an expect waits for the client's request, a send answers
 * it) and is closed when they end; the mock runs until stopped.
 */
import { createServer, type Socket } from 'node:net';
import type { Command } from 'commander';
import { formatEndpoint } from '@shared/endpoint';
import { parseScenarioTarget, ScenarioTarget } from '@shared/scenario';
import { stepField } from '../../main/scenario/junit';
import { tcpLink } from '../../main/scenario/net-link';
import { runScenario } from '../../main/scenario/runner';
import { collectVar, type CommandOutput, EXIT_INVALID, formatStep, loadScenario, parseVars, processOutput } from './scenario-file';

interface MockOptions {
  listen: string;
  var: string[];
  verbose?: boolean;
}

export function registerMock(program: Command, output: CommandOutput = processOutput): void {
  program
    .command('mock')
    .description("serve a scenario: each connection gets the file's steps (expect = the client's request, send = the answer)")
    .argument('<scenario>', 'the scenario JSON file')
    .requiredOption('--listen <url>', 'where to listen, tcp://host:port (port 0: any free port)')
    .option('--var <name=value>', 'a variable for {{var:name}} (repeat for more)', collectVar, [])
    .option('-v, --verbose', 'print every step of every connection')
    .action(async (file: string, options: MockOptions) => {
      const code = await mockCommand(file, options, output);
      if (code !== undefined) process.exitCode = code;
    });
}

/** Resolves once listening (undefined), or with the exit code when it cannot start. */
export async function mockCommand(file: string, options: MockOptions, output: CommandOutput): Promise<number | undefined> {
  const vars = parseVars(options.var);
  if (!vars.ok) {
    output.err(`sockscope: ${vars.message}\n`);
    return EXIT_INVALID;
  }
  const listen = ScenarioTarget.safeParse(options.listen.replace(/:0$/, ':65535'));
  if (!listen.success || !/^tcp:/i.test(options.listen)) {
    output.err(`sockscope: --listen: ${listen.success ? 'a mock listens on TCP: tcp://host:port' : listen.error.issues[0].message}\n`);
    return EXIT_INVALID;
  }
  const scenario = await loadScenario(file, Object.keys(vars.vars), output);
  if (!scenario) return EXIT_INVALID;
  const { host, port } = parseScenarioTarget(options.listen.replace(/:0$/, ':65535'));
  let connections = 0;
  const controller = new AbortController();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const number = ++connections;
    const peer = formatEndpoint({ host: socket.remoteAddress ?? '?', port: socket.remotePort ?? 0 });
    const prefix = `#${number}`;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    void runScenario(scenario, {
      link: tcpLink(socket, peer),
      vars: vars.vars,
      closeAtEnd: true,
      signal: controller.signal,
      onStep: (report) => options.verbose && report.state !== 'running' && output.out(formatStep(report, prefix)),
    }).then((result) => {
      if (result.passed) output.out(`${prefix} ${peer}: answered (${result.steps.length} steps)\n`);
      // With -v the failing step was printed as it failed: name it, do not print it again.
      else if (result.failure && options.verbose) output.out(`${prefix} ${peer}: failed at ${stepField(result.failure)}\n`);
      else if (result.failure) output.out(`${prefix} ${peer}: ${formatStep(result.failure).trim()}\n`);
    });
  });
  const port0 = /:0$/.test(options.listen);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port0 ? 0 : port, host, () => resolve());
    });
  } catch (error) {
    output.err(`sockscope: cannot listen on ${options.listen}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_INVALID;
  }
  const address = server.address();
  const bound = typeof address === 'object' && address ? formatEndpoint({ host: address.address, port: address.port }) : options.listen;
  output.err(`Mock "${scenario.name}" listening on ${bound}. Ctrl-C to stop.\n`);
  const stop = (): void => {
    controller.abort();
    server.close();
    for (const socket of sockets) socket.destroy();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return undefined;
}
