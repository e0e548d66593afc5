/**
 * System error codes → sentences a person understands. Every failure the engine reports goes
 * through describeError once, so the wording lives in one place.
 */
import type { ErrorInfo } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import { isIP, type Socket } from 'node:net';
import { describeTlsError } from './tls-errors';

/** A failure with a code the front ends can act on (system codes or NOT_FOUND, UNSUPPORTED, …). */
export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/** What the engine was doing when the error happened; fills the gaps in Node's error fields. */
export interface ErrorContext {
  /** The host as the user typed it (a name or an address). */
  host?: string;
  port?: number;
  /** What we were doing, for the wording of a few codes. */
  /** 'lookup': the name's lookup, the part of a connect before any address is dialled. */
  operation?: 'connect' | 'lookup' | 'listen' | 'bind' | 'send' | 'receive';
  /** The connect timeout, for ETIMEDOUT. */
  timeoutMs?: number;
  /** The size of the datagram being sent, for EMSGSIZE. */
  bytes?: number;
}

interface SystemErrorFields {
  code?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
  message?: unknown;
  errors?: unknown;
}

export function describeError(err: unknown, context: ErrorContext = {}): ErrorInfo {
  if (err instanceof EngineError) return err.toInfo();
  const fields = primaryError(err);
  const code = typeof fields.code === 'string' ? fields.code : 'ERROR';
  const host = context.host ?? stringField(fields.hostname) ?? stringField(fields.address);
  const port = context.port ?? (typeof fields.port === 'number' ? fields.port : undefined);
  const where = host === undefined ? 'the address' : port === undefined ? host : formatEndpoint({ host, port });
  const nodeMessage = stringField(fields.message) ?? String(err);

  switch (code) {
    case 'EADDRINUSE':
      return { code, message: `${where} is already in use` };
    case 'ECONNREFUSED':
      return { code, message: `Connection refused by ${where} — nothing is listening there` };
    case 'EAI_AGAIN':
      // A temporary failure: the name may well exist, but no DNS server could be asked.
      return { code, message: `Could not look up ${host ?? 'the host'}: no DNS server answered — check the network, or use an IP address` };
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return { code, message: `Host not found: ${host ?? 'unknown host'}` };
    case 'ETIMEDOUT':
      // A slow resolver is not a missing one: say how long it was given, and that it did not answer in that time.
      if (context.operation === 'lookup' && context.timeoutMs !== undefined) {
        return {
          code,
          message: `Timed out after ${formatDuration(context.timeoutMs)} looking up ${host ?? 'the host'}: no DNS server answered in that time — check the network, or use an IP address`,
        };
      }
      return {
        code,
        message:
          context.timeoutMs !== undefined
            ? `Timed out after ${formatDuration(context.timeoutMs)} connecting to ${where}`
            : `Timed out talking to ${where}`,
      };
    case 'EACCES':
      return {
        code,
        message:
          // A datagram to a broadcast address is refused with EACCES unless SO_BROADCAST is set.
          context.operation === 'send'
            ? 'Permission denied: sending to a broadcast address needs Broadcast turned on for this socket'
            : port !== undefined && port > 0 && port < 1024
              ? 'Permission denied: ports below 1024 need administrator rights'
              : `Permission denied for ${where}`,
      };
    case 'EADDRNOTAVAIL':
      return { code, message: `${host ?? 'The address'} is not an address of this machine` };
    case 'ECONNRESET':
      return { code, message: 'Connection reset by peer' };
    case 'EPIPE':
      return { code, message: 'Cannot send: the peer has closed the connection (broken pipe)' };
    case 'EHOSTUNREACH':
      return { code, message: `No route to host ${host ?? ''}`.trimEnd() };
    case 'ENETUNREACH':
      return { code, message: `Network unreachable: cannot reach ${where}` };
    case 'EMFILE':
    case 'ENFILE':
      return { code, message: 'Too many open files: close some sockets and try again' };
    case 'EMSGSIZE': {
      const datagram = context.bytes === undefined ? 'The datagram' : `A datagram of ${context.bytes.toLocaleString('en-US')} bytes`;
      const limit = host?.includes(':') ? '65,527 on IPv6' : '65,507 on IPv4';
      return { code, message: `${datagram} is larger than UDP allows (${limit}): not sent to ${where}` };
    }
    case 'EAFNOSUPPORT':
      return { code, message: `${where} is of an address family this socket cannot use` };
    default:
      return describeTlsError(code, where, err) ?? { code, message: nodeMessage };
  }
}

/**
 * What a connect to `host` is doing, for a timeout to say: 'lookup' until `socket` has looked the
 * name up (never for an IP address), then 'connect'. A slow resolver is not a silent host.
 */
export function connectPhase(socket: Socket, host: string): () => 'lookup' | 'connect' {
  let lookedUp = isIP(host) !== 0;
  if (!lookedUp) socket.once('lookup', () => (lookedUp = true));
  return () => (lookedUp ? 'connect' : 'lookup');
}

/** The same as describeError, as something to throw from a command. */
export function toEngineError(err: unknown, context: ErrorContext = {}): EngineError {
  if (err instanceof EngineError) return err;
  const info = describeError(err, context);
  return new EngineError(info.code, info.message);
}

/** `10 s`, `1.5 s`, `300 ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/**
 * Node's happy-eyeballs connect (autoSelectFamily) fails with an AggregateError holding one
 * error per address tried; the first one carries the code worth showing.
 */
function primaryError(err: unknown): SystemErrorFields {
  if (typeof err !== 'object' || err === null) return { message: String(err) };
  const fields = err as SystemErrorFields;
  if (fields.code === undefined && Array.isArray(fields.errors) && fields.errors.length > 0) {
    return primaryError(fields.errors[0]);
  }
  return fields;
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
