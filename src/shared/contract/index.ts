/**
 * The one contract between the socket engine (main process) and every front end (Electron
 * renderer, browser host, command line), one module per domain in this folder; this index
 * assembles every domain's commands into one map and re-exports the rest. Every type that
 * crosses a process boundary is inferred from a zod schema; nothing is declared twice.
 */
import { z } from 'zod';
import { schemaOnUse } from '../built-on-use';
import { captureCommands } from '../capture';
import { fileDialogCommands } from '../file-dialogs';
import { logBudgetCommands } from '../log-budget';
import { proxyCommands } from '../proxy';
import { sequenceCommands } from '../sequences';
import { toxiproxyApiCommands } from '../toxiproxy-api';
import { startCommands } from './events';
import { socketCommands } from './sockets';
import { logCommands } from './log';
import { portCommands } from './ports';
import { sendCommands } from './sends';
import { sessionCommands } from './session';

export * from './basics';
export * from './events';
export * from './sockets';
export * from './log';
export * from './ports';
export * from './sends';
export * from './session';
export * from './wire';

export const commands = {
  ...startCommands,
  ...socketCommands,
  ...logCommands,
  ...portCommands,
  ...sendCommands,
  ...sessionCommands,
  ...captureCommands,
  ...sequenceCommands,
  ...logBudgetCommands,
  ...proxyCommands,
  ...toxiproxyApiCommands,
  ...fileDialogCommands,
} as const;

export type Commands = typeof commands;

export type Command = keyof Commands;

export const commandNames = Object.keys(commands) as Command[];

export type Input<C extends Command> = z.input<Commands[C]['input']>;

export type ParsedInput<C extends Command> = z.output<Commands[C]['input']>;

export type Output<C extends Command> = z.output<Commands[C]['output']>;

export type Snapshot = Output<'app.snapshot'>;

export type PortList = Output<'ports.list'>;

export const CommandRequest = schemaOnUse(() => z.object({ command: z.enum(commandNames as [Command, ...Command[]]), input: z.unknown() }));

export type CommandRequest = z.infer<typeof CommandRequest>;
