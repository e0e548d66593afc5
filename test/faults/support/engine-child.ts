/**
 * An engine in a process of its own, driven over stdin/stdout with the browser host's messages
 * (one JSON message a line): for faults that must not hit the test runner itself, such as a
 * lowered file-descriptor limit or a network namespace whose address vanishes.
 */
import { createInterface } from 'node:readline';
import { createCore } from '../../../src/main/core';
import { ClientMessage, type ServerMessage } from '@shared/contract';
import { decodeWire, encodeWire } from '@shared/wire';

const core = createCore({ batch: { intervalMs: 10 } });
const write = (message: ServerMessage): void => void process.stdout.write(`${encodeWire(message)}\n`);
core.batcher.subscribe((batch) => write({ type: 'events', batch }));

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const message = ClientMessage.parse(decodeWire(line));
  void core.dispatcher.dispatch(message.command, message.input).then((result) => write({ type: 'result', callId: message.callId, result }));
});
lines.on('close', () => void core.dispose().then(() => process.exit(0)));
process.stdout.write('ready\n');
