#!/usr/bin/env node
import { Command } from 'commander';
import { registerHost } from './commands/host';
import { registerListen } from './commands/listen';
import { registerPorts } from './commands/ports';
import { registerProxy } from './commands/proxy';
import { registerSend } from './commands/send';

/** `sockscope`: the same engine as the app, without a window, for scripts and CI. */
const program = new Command('sockscope')
  .description('Sockscope socket inspector: TCP and UDP from the command line, or the UI in a browser')
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

registerHost(program);
registerPorts(program);
registerSend(program);
registerListen(program);
registerProxy(program);

program.parseAsync().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`sockscope: ${message}\n`);
  process.exit(1);
});
