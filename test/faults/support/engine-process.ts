import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { stopChild } from '../../../e2e/support/host';
import { EventBatch, type EngineEvent, type Result } from '@shared/contract';
import { decodeWire, encodeWire } from '@shared/wire';
import type { Dispatch } from './contract';

const repoRoot = resolve(__dirname, '../../..');

const ChildMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('result'),
    callId: z.number(),
    result: z.custom<Result<unknown>>((r) => typeof r === 'object' && r !== null && 'ok' in r),
  }),
  z.object({ type: z.literal('events'), batch: EventBatch }),
]);

export interface EngineProcess {
  pid: number;
  dispatch: Dispatch;
  /** Every event the child's engine has reported so far. */
  events: EngineEvent[];
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts engine-child.ts, optionally through a wrapper command (`ip netns exec NAME`), and
 * resolves once it is ready for commands.
 */
export async function startEngineProcess(wrapper: string[] = []): Promise<EngineProcess> {
  const command = [...wrapper, process.execPath, '--import', 'tsx', resolve(__dirname, 'engine-child.ts')];
  const child = spawn(command[0], command.slice(1), { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const events: EngineEvent[] = [];
  let nextCallId = 1;

  const ready = new Promise<void>((resolveReady, reject) => {
    child.once('exit', (code) => reject(new Error(`the engine process exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready') return resolveReady();
      const message = ChildMessage.parse(decodeWire(line));
      if (message.type === 'events') events.push(...message.batch.events);
      else {
        pending.get(message.callId)?.(message.result);
        pending.delete(message.callId);
      }
    });
  });
  await ready;

  return {
    pid: child.pid ?? 0,
    events,
    stderr: () => stderr,
    dispatch: (commandName, input) =>
      new Promise((resolveResult) => {
        const callId = nextCallId++;
        pending.set(callId, resolveResult);
        child.stdin.write(`${encodeWire({ type: 'command', callId, command: commandName, input })}\n`);
      }),
    stop: () => stopChild(child),
  };
}
