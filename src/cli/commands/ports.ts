import { type Command, InvalidArgumentError } from 'commander';
import { type PortFilter, type PortList, type PortRow, PortState } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import { createCore } from '../../main/core';
import { parsePort } from '../options';

interface PortsOptions {
  json?: boolean;
  listening?: boolean;
  tcp?: boolean;
  udp?: boolean;
  port?: number;
  process?: string;
  state?: PortState;
}

/** Where the command writes: the process's streams, or a test's buffers. */
export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: CommandOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** `sockscope ports`: every TCP and UDP socket on this machine, as a table or as JSON. */
export function registerPorts(program: Command, output: CommandOutput = processOutput): void {
  program
    .command('ports')
    .description('list the TCP and UDP sockets of this machine: listening, bound and connected, with their processes')
    .option('--json', 'print JSON (rows, hiddenProcesses, source, note) instead of a table')
    .option('-l, --listening', 'only listening TCP sockets and bound UDP sockets')
    .option('--tcp', 'only TCP')
    .option('--udp', 'only UDP')
    .option('-p, --port <port>', 'only sockets with this local or remote port', parsePort)
    .option('--process <name|pid>', 'only sockets of processes whose name contains this (any case), or of this pid')
    .option('--state <state>', `only sockets in this state: ${PortState.options.join(', ')}`, parseState)
    .action(async (options: PortsOptions) => {
      if (options.tcp && options.udp) throw new Error('Choose --tcp or --udp, not both (leave both out for every protocol)');
      const filter: PortFilter = {
        protocol: options.tcp ? 'tcp' : options.udp ? 'udp' : undefined,
        listening: options.listening,
        port: options.port,
        process: options.process,
        state: options.state,
      };
      const core = createCore();
      try {
        // Through the dispatcher, as the app and the browser host ask: one validation, one set of errors.
        const result = await core.dispatcher.dispatch('ports.list', filter);
        if (!result.ok) throw new Error(result.error.message);
        const list = result.value as PortList;
        if (options.json) {
          output.out(`${JSON.stringify(list, null, 2)}\n`);
          return;
        }
        output.out(formatPortsTable(list.rows));
        // The note is about what is missing, not data: stderr keeps the table clean for pipes.
        if (list.note) output.err(`\n${list.note}\n`);
      } finally {
        await core.dispose();
      }
    });
}

function parseState(value: string): PortState {
  const parsed = PortState.safeParse(value.toUpperCase().replaceAll('-', '_'));
  if (!parsed.success) throw new InvalidArgumentError(`State must be one of ${PortState.options.join(', ')}.`);
  return parsed.data;
}

const columns: readonly { title: string; value: (row: PortRow) => string; right?: boolean }[] = [
  { title: 'PROTO', value: (row) => row.protocol },
  { title: 'LOCAL', value: (row) => formatEndpoint(row.local) },
  { title: 'REMOTE', value: (row) => (row.remote ? formatEndpoint(row.remote) : '-') },
  { title: 'STATE', value: (row) => row.state },
  { title: 'PID', value: (row) => (row.pid === undefined ? '-' : String(row.pid)), right: true },
  { title: 'PROCESS', value: (row) => row.process ?? (row.processHidden ? '(hidden)' : '-') },
  { title: 'SERVICE', value: (row) => row.service ?? '' },
];

/** An aligned table for a terminal, one socket a line, ending with the count. */
export function formatPortsTable(rows: readonly PortRow[]): string {
  if (rows.length === 0) return 'No sockets match.\n';
  const cells = [columns.map((column) => column.title), ...rows.map((row) => columns.map((column) => column.value(row)))];
  // Not Math.max(...cells): a busy machine's 150,000 rows are more arguments than a call takes.
  const widths = columns.map((_, index) => cells.reduce((widest, line) => Math.max(widest, line[index].length), 0));
  const lines = cells.map((line) =>
    line
      .map((cell, index) => (columns[index].right ? cell.padStart(widths[index]) : cell.padEnd(widths[index])))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n${rows.length === 1 ? '1 socket' : `${rows.length} sockets`}\n`;
}
