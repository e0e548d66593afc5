import { describe, expect, it } from 'vitest';
import { EngineError, describeError, formatDuration, toEngineError } from './errors';

/** A system error shaped the way Node produces them. */
function systemError(code: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code} from node`), { code, ...fields });
}

describe('describeError', () => {
  it('EADDRINUSE names the endpoint', () => {
    expect(describeError(systemError('EADDRINUSE'), { host: '127.0.0.1', port: 8080 })).toEqual({
      code: 'EADDRINUSE',
      message: '127.0.0.1:8080 is already in use',
    });
    expect(describeError(systemError('EADDRINUSE'), { host: '::1', port: 8080 }).message).toBe('[::1]:8080 is already in use');
  });

  it('ECONNREFUSED, taking the endpoint from the error when there is no context', () => {
    const err = systemError('ECONNREFUSED', { address: '127.0.0.1', port: 1 });
    expect(describeError(err)).toEqual({
      code: 'ECONNREFUSED',
      message: 'Connection refused by 127.0.0.1:1 — nothing is listening there',
    });
  });

  it('ENOTFOUND: host not found', () => {
    expect(describeError(systemError('ENOTFOUND', { hostname: 'nosuch.invalid' })).message).toBe('Host not found: nosuch.invalid');
  });

  it('EAI_AGAIN: the lookup could not be made, which is not the same as a name that does not exist', () => {
    expect(describeError(systemError('EAI_AGAIN'), { host: 'example.com', port: 80 })).toEqual({
      code: 'EAI_AGAIN',
      message: 'Could not look up example.com: no DNS server answered — check the network, or use an IP address',
    });
  });

  it('ETIMEDOUT with the connect timeout', () => {
    expect(describeError({ code: 'ETIMEDOUT' }, { host: 'example.test', port: 443, timeoutMs: 10_000, operation: 'connect' })).toEqual({
      code: 'ETIMEDOUT',
      message: 'Timed out after 10 s connecting to example.test:443',
    });
    expect(describeError({ code: 'ETIMEDOUT' }, { host: '10.0.0.1', port: 22 }).message).toBe('Timed out talking to 10.0.0.1:22');
  });

  it('EACCES below 1024 explains administrator rights', () => {
    expect(describeError(systemError('EACCES'), { host: '0.0.0.0', port: 80 })).toEqual({
      code: 'EACCES',
      message: 'Permission denied: ports below 1024 need administrator rights',
    });
    expect(describeError(systemError('EACCES'), { host: '0.0.0.0', port: 8080 }).message).toBe('Permission denied for 0.0.0.0:8080');
  });

  it('EADDRNOTAVAIL, ECONNRESET, EPIPE, EHOSTUNREACH, ENETUNREACH, EMFILE', () => {
    expect(describeError(systemError('EADDRNOTAVAIL'), { host: '10.9.9.9', port: 80 }).message).toBe('10.9.9.9 is not an address of this machine');
    expect(describeError(systemError('ECONNRESET')).message).toBe('Connection reset by peer');
    expect(describeError(systemError('EPIPE')).message).toBe('Cannot send: the peer has closed the connection (broken pipe)');
    expect(describeError(systemError('EHOSTUNREACH'), { host: '10.1.2.3', port: 80 }).message).toBe('No route to host 10.1.2.3');
    expect(describeError(systemError('ENETUNREACH'), { host: '10.1.2.3', port: 80 }).message).toBe('Network unreachable: cannot reach 10.1.2.3:80');
    expect(describeError(systemError('EMFILE'))).toEqual({
      code: 'EMFILE',
      message: 'Too many open files: close some sockets and try again',
    });
  });

  it("falls back to Node's own message and code", () => {
    expect(describeError(systemError('EPROTO'))).toEqual({ code: 'EPROTO', message: 'EPROTO from node' });
    expect(describeError(new Error('plain'))).toEqual({ code: 'ERROR', message: 'plain' });
    expect(describeError('a string')).toEqual({ code: 'ERROR', message: 'a string' });
  });

  it('uses the first error of an AggregateError (happy-eyeballs connect)', () => {
    const aggregate = new AggregateError([systemError('ECONNREFUSED', { address: '::1', port: 9 }), systemError('ECONNREFUSED')], 'all failed');
    expect(describeError(aggregate, { host: 'localhost', port: 9 })).toEqual({
      code: 'ECONNREFUSED',
      message: 'Connection refused by localhost:9 — nothing is listening there',
    });
  });

  it('passes EngineErrors through unchanged', () => {
    const err = new EngineError('NOT_FOUND', 'No socket with id tcp-9');
    expect(describeError(err, { host: 'x', port: 1 })).toEqual({ code: 'NOT_FOUND', message: 'No socket with id tcp-9' });
    expect(toEngineError(err)).toBe(err);
    const converted = toEngineError(systemError('ECONNRESET'));
    expect(converted).toBeInstanceOf(EngineError);
    expect(converted.code).toBe('ECONNRESET');
  });
});

describe('formatDuration', () => {
  it('seconds from one second up, milliseconds below', () => {
    expect(formatDuration(10_000)).toBe('10 s');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(300)).toBe('300 ms');
  });
});
