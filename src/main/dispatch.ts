import type { z } from 'zod';
import {
  type Command,
  commands,
  type ErrorInfo,
  type Output,
  type ParsedInput,
  type Result,
} from '../shared/contract';
import { type Engine, EngineError } from './engine/engine';

type Handlers = { [C in Command]: (engine: Engine, input: ParsedInput<C>, rev: () => number) => Promise<Output<C>> | Output<C> };

const ok = {};

const handlers: Handlers = {
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
};

export interface Dispatcher {
  /** Validates `rawInput` against the command's schema, runs it, and never throws. */
  dispatch(command: unknown, rawInput: unknown): Promise<Result<unknown>>;
}

/**
 * The one entry point every front end (Electron IPC, browser host, CLI) uses. Errors are data:
 * invalid input, unknown commands and engine failures all come back as `{ ok: false, error }`.
 */
export function createDispatcher(engine: Engine, rev: () => number): Dispatcher {
  return {
    async dispatch(command, rawInput) {
      if (typeof command !== 'string' || !Object.hasOwn(commands, command)) {
        return fail('UNKNOWN_COMMAND', `Unknown command: ${describeValue(command)}`);
      }
      const name = command as Command;
      const parsed = commands[name].input.safeParse(rawInput ?? {});
      if (!parsed.success) return fail('INVALID_INPUT', formatIssues(parsed.error));
      try {
        const run = handlers[name] as (e: Engine, i: unknown, r: () => number) => Promise<unknown> | unknown;
        return { ok: true, value: await run(engine, parsed.data, rev) };
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

/** "port: Port must be between 0 and 65535; host: Host is required" */
function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
