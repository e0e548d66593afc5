/**
 * Everything that crosses a process boundary, as JSON Schema in one reviewed file: a change to a
 * command's input or output, an event or a wire message shows up in the diff of
 * `__snapshots__/contract.schema.json`, not only in the zod code that produced it.
 * After a deliberate change: `npx vitest run src/shared/contract.schema.test.ts -u`.
 */
import { expect, it } from 'vitest';
import { z } from 'zod';
import { ClientMessage, CommandRequest, commands, EventBatch } from './contract';

// Bytes (Uint8Array) have no JSON Schema: they appear as `{}` (binary frames / structured clone).
// One call per direction, so that a schema used in many places (SocketInfo) is written once in $defs.
const schemaOf = (shape: Record<string, z.ZodType>, io: 'input' | 'output'): unknown =>
  z.toJSONSchema(z.object(shape), { unrepresentable: 'any', io, reused: 'ref' });

it('the contract, as JSON Schema, is what the snapshot says', async () => {
  const sorted = Object.keys(commands).sort() as (keyof typeof commands)[];
  const contract = {
    inputs: schemaOf(
      { ...Object.fromEntries(sorted.map((name) => [name, commands[name].input])), commandRequest: CommandRequest, clientMessage: ClientMessage },
      'input',
    ),
    outputs: schemaOf({ ...Object.fromEntries(sorted.map((name) => [name, commands[name].output])), eventBatch: EventBatch }, 'output'),
  };
  await expect(`${JSON.stringify(contract, null, 2)}\n`).toMatchFileSnapshot('__snapshots__/contract.schema.json');
});
