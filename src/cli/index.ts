#!/usr/bin/env node
import { Command } from 'commander';
import { registerHost } from './commands/host';
import { registerListen } from './commands/listen';
import { registerMock } from './commands/mock';
import { registerPorts } from './commands/ports';
import { registerRun } from './commands/run';
import { registerProxy } from './commands/proxy';
import { registerSend } from './commands/send';
import { inCliTerms } from './messages';

/** `sockscope`: the same engine as the app, without a window, for scripts and CI. */
const program = new Command('sockscope')
  .description('Sockscope socket inspector: TCP and UDP from the command line, or the UI in a browser')
  .configureOutput({ outputError: (text, write) => write(text) });

registerHost(program);
registerPorts(program);
registerSend(program);
registerListen(program);
registerRun(program);
registerMock(program);
registerProxy(program);

// A usage error is one line and where to read more, not the whole help.
for (const command of [program, ...program.commands]) {
  command.showHelpAfterError(`(${command === program ? 'sockscope' : `sockscope ${command.name()}`} --help lists the options, with examples)`);
}

program.parseAsync().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`sockscope: ${inCliTerms(message)}\n`);
  process.exit(1);
});
