/**
 * Everything that crosses a process boundary, as JSON Schema in one reviewed file: a change to a
 * command's input or output, an event or a wire message shows up in the diff of
 * `__snapshots__/contract.schema.json`, not only in the zod code that produced it.
 * After a deliberate change: `npx vitest run src/shared/contract.schema.test.ts -u`.
 */
import { expect, it, vi } from 'vitest';
import { z } from 'zod';
import type * as BuiltOnUse from './built-on-use';
import { ClientMessage, CommandRequest, commands, EventBatch } from './contract';

// The same schemas, built as their modules load rather than on first use (built-on-use.ts): toJSONSchema
// keys what it has written by object identity, and a schema's stand-in is not the object it stands for.
vi.mock('./built-on-use', async (importOriginal) => ({
  ...(await importOriginal<typeof BuiltOnUse>()),
  schemaOnUse: <T extends object>(build: () => T): T => build(),
}));

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
