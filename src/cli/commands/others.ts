import type { Command } from 'commander';
import { registerListen } from './listen';
import { registerMock } from './mock';
import { registerPorts } from './ports';
import { registerRun } from './run';
import { registerProxy } from './proxy';
import { registerSend } from './send';

/** Every command but `host`, in the order `sockscope --help` lists them. */
export function registerOtherCommands(program: Command): void {
  registerPorts(program);
  registerSend(program);
  registerListen(program);
  registerRun(program);
  registerMock(program);
  registerProxy(program);
}
