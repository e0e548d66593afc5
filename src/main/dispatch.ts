import { type Command, commands, type ErrorInfo, type Output, type ParsedInput, type Result } from '@shared/contract';
import { MAX_NESTING, nestsDeeperThan, tooDeepMessage } from '@shared/nesting';
import { withUserRegex } from '@shared/user-regex';
import { describeIssues } from '@shared/zod-issues';
import { type Engine, EngineError } from './engine/engine';
import { listInterfaces } from './engine/interfaces';
import { captureHandlers } from './capture/service';
import { FramingService } from './framing/service';
import { MessageLibrary } from './library';
import { listPorts } from './ports';
import { logBudgetHandlers } from './log-budget-commands';
import { proxyHandlers } from './proxy/handlers';
import { toxiproxyApiHandlers } from './proxy/api-service';
import { fileDialogsUnavailable } from './shell/file-dialogs-elsewhere';
import { type Sessions, sessionsOff } from './session';
import { sequencesOf } from './scenario/sequences';
import { SavedSequences } from './scenario/saved-sequences';

/** What commands reach besides the engine: things main keeps for every window. */
export interface Services {
  library: MessageLibrary;
  sequences: SavedSequences;
  framing: FramingService;
  sessions: Sessions;
}

type Handlers = {
  [C in Command]: (engine: Engine, input: ParsedInput<C>, rev: () => number, services: Services) => Promise<Output<C>> | Output<C>;
};

const ok = {};

const handlers: Handlers = {
  ...captureHandlers,
  ...fileDialogsUnavailable,
  'app.snapshot': (engine, _input, rev) => ({ rev: rev(), ...engine.snapshot() }),
  'tcp.connect': (engine, input) => engine.connectTcp(input),
  'tcp.listen': (engine, input) => engine.listenTcp(input),
  'udp.bind': (engine, input) => engine.bindUdp(input),
  'socket.send': (engine, input) => engine.send(input),
  'socket.close': async (engine, { id }) => (await engine.close(id), ok),
  'socket.halfClose': async (engine, { id }) => (await engine.halfClose(id), ok),
  'socket.reset': async (engine, { id }) => (await engine.reset(id), ok),
  'listener.stop': async (engine, { id, closeConnections }) => (await engine.stopListener(id, closeConnections), ok),
  'socket.remove': async (engine, { id }) => (await engine.remove(id), ok),
  'udp.setDefaultTarget': (engine, { id, target }) => engine.setDefaultTarget(id, target),
  'log.read': (engine, { id, fromSeq, count }) => engine.readLog(id, fromSeq, count),
  'log.clear': (engine, { id }) => engine.clearLog(id),
  'autoReply.set': (engine, input) => engine.setAutoReply(input),
  // The file formats load with the first export or import, not with the engine (see the host's start-up).
  'log.export': async (engine, input) => (await import('./export/export-logs')).exportLogsAsync(engine, input),
  'log.import': async (engine, input) => (await import('./export/import-jsonl')).importLogFile(engine, input),
  'send.repeat': (engine, input) => engine.startRepeat(input),
  'send.cancel': (engine, { jobId }) => (engine.cancelRepeat(jobId), ok),
  'log.search': (engine, input) => engine.searchLog(input),
  'library.list': (_engine, _input, _rev, { library }) => ({ messages: library.list() }),
  'library.save': (_engine, input, _rev, { library }) => library.save(input),
  'library.remove': (_engine, { id }, _rev, { library }) => (library.remove(id), ok),
  'library.import': (_engine, { text, mode }, _rev, { library }) => library.import(text, mode),
  'library.export': (_engine, _input, _rev, { library }) => library.export(),
  'sequences.list': (_engine, _input, _rev, { sequences }) => ({ sequences: sequences.list() }),
  'sequences.save': (_engine, input, _rev, { sequences }) => (sequences.save(input), ok),
  'sequences.remove': (_engine, { id }, _rev, { sequences }) => (sequences.remove(id), ok),
  'ports.list': (engine, filter) => listPorts(filter, engine.snapshot().sockets),
  'framing.set': (_engine, input, _rev, { framing }) => framing.set(input),
  'log.readFrames': (_engine, input, _rev, { framing }) => framing.read(input),
  'log.readFrameBytes': (_engine, input, _rev, { framing }) => framing.readBytes(input),
  'log.searchFrames': (_engine, input, _rev, { framing }) => framing.search(input),
  'session.status': (_engine, _input, _rev, { sessions }) => sessions.status(),
  'session.restore': (_engine, _input, _rev, { sessions }) => sessions.restore(),
  'session.discard': (_engine, _input, _rev, { sessions }) => sessions.discard(),
  'session.saveUi': (_engine, { ui }, _rev, { sessions }) => (sessions.saveUi(ui), ok),
  'udp.setOptions': (engine, input) => engine.setUdpOptions(input),
  'udp.joinGroup': (engine, input) => engine.changeMembership('join', input),
  'udp.leaveGroup': (engine, input) => engine.changeMembership('leave', input),
  'system.interfaces': () => ({ interfaces: listInterfaces() }),
  ...logBudgetHandlers,
  'sequence.run': (engine, input) => sequencesOf(engine).run(input),
  'sequence.serve': (engine, input) => sequencesOf(engine).serve(input),
  'sequence.status': (engine, { runId }) => sequencesOf(engine).status(runId),
  'sequence.stop': (engine, { runId }) => (sequencesOf(engine).stop(runId), ok),
  ...proxyHandlers,
  ...toxiproxyApiHandlers,
};

export interface Dispatcher {
  /** Validates `rawInput` against the command's schema, runs it, and never throws. */
  dispatch(command: unknown, rawInput: unknown): Promise<Result<unknown>>;
}

/**
 * The one entry point every front end (Electron IPC, browser host, CLI) uses. Errors are data:
 * invalid input, unknown commands and engine failures all come back as `{ ok: false, error }`.
 */
export function createDispatcher(
  engine: Engine,
  rev: () => number,
  services: Services = { library: new MessageLibrary(), sequences: new SavedSequences(), framing: new FramingService(engine), sessions: sessionsOff },
): Dispatcher {
  return {
    async dispatch(command, rawInput) {
      // Every call settles: whatever throws, validation included, becomes an error reply.
      try {
        if (typeof command !== 'string' || !Object.hasOwn(commands, command)) {
          return fail('UNKNOWN_COMMAND', `Unknown command: ${describeValue(command)}`);
        }
        if (nestsDeeperThan(rawInput, MAX_NESTING)) return fail('INVALID_INPUT', `The input is ${tooDeepMessage()}`);
        const name = command as Command;
        // A rule or scenario with a regex loads the regex engine here, the first time one comes.
        const parsed = await withUserRegex(() => commands[name].input.safeParse(rawInput ?? {}));
        if (!parsed.success) return fail('INVALID_INPUT', describeIssues(parsed.error, 5));
        const run = handlers[name] as (e: Engine, i: unknown, r: () => number, s: Services) => Promise<unknown> | unknown;
        return { ok: true, value: await run(engine, parsed.data, rev, services) };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    },
  };
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof EngineError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` };
}

function fail(code: string, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function describeValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    // BigInts, cycles and objects whose toJSON throws: describing the mistake must not be one.
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
