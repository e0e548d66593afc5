import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { MESSAGE_UNITS } from '@shared/auto-reply';
import type { FramingSpec } from '@shared/framing';
import { commands, type Input, type SocketInfo } from '@shared/contract';
import { loadUserRegex } from '@shared/user-regex';
import { describeIssues } from '@shared/zod-issues';
import { createCore, type Core } from '../../main/core';
import { startCaptureFiles, type CaptureFiles } from '../capture-files';
import { formatSocketUrl, parseSocketUrl, type SocketUrl } from '../endpoint-url';
import { formatEntry } from '../format';
import { addPayloadFlags, entryStyle, type PayloadFlags } from '../payload-flags';
import { logPrinter } from '../log-printer';
import { refuseInapplicable, tlsOnly } from '../scheme-options';
import { addTlsListenFlags, TLS_LISTEN_FLAGS, tlsListenInput, type TlsListenFlags } from '../tls-options';
import { followLogs, invoke, processTerminal, type Terminal, whenStdoutCloses } from '../session';
import { addLogBudgetOption, applyLogBudget } from '../log-budget-option';

interface ListenOptions extends TlsListenFlags, PayloadFlags {
  logBudget?: number;
  echo?: boolean;
  rules?: string;
  each?: FramingSpec;
  pcapng?: string;
  jsonl?: string;
  broadcast?: boolean;
  join: string[];
}

type AutoReplySettings = Omit<Input<'autoReply.set'>, 'id'>;

const rulesHelp = `
Rules file (--rules): JSON, the rules in order (the first enabled match answers), e.g.
  { "echo": false,
    "rules": [
      { "match": "contains", "pattern": "PING", "reply": "PONG\\\\n" },
      { "match": "regex", "pattern": "^GET /", "reply": "HTTP/1.0 200 OK\\\\r\\\\n\\\\r\\\\n", "delayMs": 100 },
      { "match": "hex-prefix", "pattern": "02 01", "reply": "06", "replyFormat": "hex" } ] }
  match: exact | contains | regex | hex-prefix. Text patterns and replies take escapes
  (\\r \\n \\t \\0 \\\\ \\xNN); regex is RE2 syntax (linear time: no backreferences or lookaround) on the payload as UTF-8.
  A listener's rules answer on every connection; a UDP socket's answer each sender.
  Each read (TCP: up to 64 KiB) or datagram is one message, unless --each (or "framing" in the file) says otherwise:
  --each line answers "PING\\n" however the lines arrive; the delimiter is part of the message.

Options for another scheme (--cert on tcp://, --join on tcp://) are refused, not ignored.
While standard output is full (a slow reader), log lines are counted instead of printed, and
one line says how many were left out; peers are never slowed down for the terminal.

Examples:
  sockscope listen tcp://127.0.0.1:7000 --echo
  sockscope listen tcp://127.0.0.1:6380 --rules redis.json --each resp
  sockscope listen udp://0.0.0.0:9000 --rules rules.json --pcapng capture.pcapng
  sockscope listen tcp://[::1]:0 --hexdump --jsonl session.jsonl
  sockscope listen tls://127.0.0.1:8443 --echo        (self-signed for localhost,127.0.0.1,::1)

--pcapng and --jsonl write as traffic arrives (the files grow during the run), so they hold
every byte however long it runs. Ctrl-C (or SIGTERM) stops accepting and reading, then finishes
the files; a second Ctrl-C stops at once and says what it left unwritten. If standard output's
reader goes away (\`| head\`), a listen without files ends; with files it says so once on stderr
and keeps recording until Ctrl-C.`;

/** `sockscope listen`: a TCP listener or a UDP socket, every connection and message logged. */
export function registerListen(program: Command, terminal: Terminal = processTerminal): void {
  addLogBudgetOption(addPayloadFlags(addTlsListenFlags(program.command('listen'))))
    .description('listen on a TCP port or bind a UDP port, and log every connection and message')
    .argument('<url>', 'tcp://, tls:// or udp://address:port; port 0 picks a free one (IPv6: tcp://[::1]:8080)', (text) =>
      parseSocketUrl(text, { portZero: true }),
    )
    .option('--echo', 'send every message back (when no rule answers it)')
    .option('--rules <file>', 'auto-reply rules from a JSON file (see below)')
    .option('--each <unit>', `what one message is for --echo and --rules: ${MESSAGE_UNITS.map((u) => u.id).join(', ')}`, parseUnit)
    .option('--pcapng <file>', 'record all traffic to a pcapng capture (Wireshark) as it arrives')
    .option('--jsonl <file>', 'record the whole log to a JSON Lines file as it arrives')
    .option('--broadcast', 'UDP: allow sending to broadcast addresses (SO_BROADCAST)')
    .option('--join <group[%interface]>', 'UDP: join a multicast group, on an interface if given (repeatable)', collect, [])
    .addHelpText('after', rulesHelp)
    .action(async (url: SocketUrl, options: ListenOptions, command: Command) => {
      refuseInapplicable(command, url, { ...tlsOnly(TLS_LISTEN_FLAGS), broadcast: ['udp'], join: ['udp'] });
      // Read before anything opens: a broken rules file should not leave a port open for nothing.
      const settings = options.rules === undefined ? undefined : await readRulesFile(options.rules);
      applyLogBudget(options.logBudget);
      const core = createCore();
      let captures: CaptureFiles | undefined;
      try {
        // Opened before the port: a file that cannot be written fails now, not at Ctrl-C.
        captures = await startCaptureFiles(core.engine, { pcapng: options.pcapng, jsonl: options.jsonl }, terminal);
        await startListening(core, url, options, settings, terminal, captures.paths);
      } catch (error) {
        await core.dispose();
        await captures?.discard();
        throw error;
      }
      if (captures.paths.length > 0) {
        // The files matter more than the terminal: a closed pipe must not cut them short.
        whenStdoutCloses(() => terminal.note('sockscope: standard output closed; still recording (Ctrl-C to stop)'));
      }
      captures.stopOnSignals(core).then(
        (code) => process.exit(code),
        () => process.exit(1),
      );
    });
}

async function startListening(
  core: Core,
  url: SocketUrl,
  options: ListenOptions,
  settings: AutoReplySettings | undefined,
  terminal: Terminal,
  files: string[],
): Promise<SocketInfo> {
  const style = entryStyle(options, terminal.color);
  const printer = logPrinter(terminal);
  followLogs(
    core,
    () => true,
    (socket, entry) => {
      // The connection's own log says it was accepted, with both ends: the listener's line would repeat it.
      if (socket.kind === 'tcp-listener' && entry.dir === 'event' && entry.event === 'accepted') return;
      printer.print(() => formatEntry(socket, entry, style));
    },
  );
  const socket =
    url.protocol !== 'udp'
      ? await invoke(core, 'tcp.listen', { host: url.host, port: url.port, ...(await tlsListenInput(url, options)) })
      : await bindUdp(core, url, options);
  const rules = settings ?? { echo: false, rules: [] };
  if (options.echo) rules.echo = true;
  if (options.each) rules.framing = options.each;
  if (rules.echo || (rules.rules?.length ?? 0) > 0) {
    try {
      await invoke(core, 'autoReply.set', { id: socket.id, ...rules });
    } catch (error) {
      throw new Error(`${options.rules ?? '--echo'}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  const bound = { ...url, port: socket.local?.port ?? url.port };
  terminal.note(
    `${url.protocol !== 'udp' ? 'Listening on' : 'Bound to'} ${formatSocketUrl(bound)}. Ctrl-C stops${files.length > 0 ? `; recording to ${files.join(' and ')} as traffic arrives` : ''}.`,
  );
  return socket;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A UDP socket with the options and multicast memberships asked for; a refused group closes it again. */
async function bindUdp(core: Core, url: SocketUrl, options: ListenOptions): Promise<SocketInfo> {
  let socket = await invoke(core, 'udp.bind', { host: url.host, port: url.port, broadcast: options.broadcast });
  for (const membership of options.join) {
    const [group, networkInterface] = membership.split('%');
    try {
      socket = await invoke(core, 'udp.joinGroup', { id: socket.id, group, interface: networkInterface });
    } catch (error) {
      throw new Error(`--join ${membership}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return socket;
}

/** A rules file: `{ "echo"?: boolean, "rules": [...] }` or just the array; rule ids are optional. */
async function readRulesFile(path: string): Promise<AutoReplySettings> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file'
        : error instanceof SyntaxError
          ? `not valid JSON (${error.message})`
          : String(error);
    throw new Error(`Cannot read the rules file ${path}: ${reason}`, { cause: error });
  }
  const settings = Array.isArray(value) ? { rules: value } : value;
  if (typeof settings !== 'object' || settings === null || !Array.isArray((settings as { rules?: unknown }).rules)) {
    throw new Error(`${path}: expected { "rules": [ … ] } or a list of rules`);
  }
  const { echo, rules, framing } = settings as { echo?: unknown; rules: unknown[]; framing?: unknown };
  // Ids only tell rules apart for hit counts; a hand-written file need not invent them.
  const numbered = rules.map((rule, index) =>
    typeof rule === 'object' && rule !== null && !('id' in rule) ? { id: `rule-${index + 1}`, ...rule } : rule,
  );
  // The contract's own schema, as the dispatcher will apply it: the same checks as the app's rules.
  await loadUserRegex();
  const parsed = commands['autoReply.set'].input.omit({ id: true }).safeParse({ echo, rules: numbered, framing });
  if (!parsed.success) throw new Error(`${path}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

function parseUnit(name: string): FramingSpec {
  const unit = MESSAGE_UNITS.find((candidate) => candidate.id === name);
  if (!unit) throw new InvalidArgumentError(`expected one of ${MESSAGE_UNITS.map((u) => u.id).join(', ')}`);
  return unit.framing;
}
