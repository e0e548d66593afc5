/**
 * Scenario links over plain Node sockets: what `sockscope run` connects with and what
 * `sockscope mock` wraps each accepted connection in.
 */
import { createSocket } from 'node:dgram';
import { connect as connectTcp, type Socket } from 'node:net';
import { formatEndpoint } from '@shared/endpoint';
import { parseScenarioTarget } from '@shared/scenario';
import { describeError } from '../engine/errors';
import type { Connector, ScenarioLink } from './runner';

/** A TCP socket as a link; `description` names the peer. */
export function tcpLink(socket: Socket, description: string): ScenarioLink {
  let closedReason: string | undefined;
  let closed = false;
  let onClosed: ((reason?: string) => void) | undefined;
  socket.on('error', (error) => (closedReason = describeError(error).message));
  socket.on('close', () => {
    closed = true;
    onClosed?.(closedReason);
  });
  return {
    description,
    send: (bytes) =>
      new Promise((resolve, reject) => {
        if (closed || socket.destroyed) {
          reject(new Error(`The connection to ${description} is closed${closedReason ? ` (${closedReason})` : ''}`));
          return;
        }
        socket.write(bytes, (error) => (error ? reject(new Error(describeError(error).message)) : resolve()));
      }),
    receive(onData, closedHandler) {
      onClosed = closedHandler;
      socket.on('data', (chunk: Buffer) => onData(chunk, false));
      // The peer's FIN ends what can arrive; our side may still send.
      socket.on('end', () => closedHandler('the peer closed its side'));
      if (closed) closedHandler(closedReason);
    },
    close: () =>
      new Promise((resolve) => {
        if (closed) return resolve();
        socket.once('close', () => resolve());
        socket.end();
        // A peer that never closes its side must not hold the run.
        setTimeout(() => socket.destroy(), 2000).unref();
      }),
  };
}

/** Opens `tcp://host:port` or `udp://host:port` (a connected UDP socket: one peer, datagrams). */
export const netConnector: Connector = (target, timeoutMs) => {
  const { protocol, host, port } = parseScenarioTarget(target);
  const description = `${protocol}://${formatEndpoint({ host, port })}`;
  if (protocol === 'udp') {
    return new Promise((resolve, reject) => {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', (error) => reject(new Error(`Cannot reach ${description}: ${describeError(error).message}`)));
      socket.connect(port, host, () => {
        resolve({
          description,
          send: (bytes) => new Promise((ok, fail) => socket.send(bytes, (error) => (error ? fail(new Error(describeError(error).message)) : ok()))),
          receive(onData, onClosed) {
            socket.on('message', (message) => onData(message, true));
            socket.on('close', () => onClosed());
          },
          close: () => new Promise((ok) => socket.close(() => ok())),
        });
      });
    });
  }
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Cannot connect to ${description}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Cannot connect to ${description}: ${describeError(error, { operation: 'connect' }).message}`));
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(tcpLink(socket, description));
    });
  });
};
