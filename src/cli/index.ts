#!/usr/bin/env node
import { Command } from 'commander';
import { registerHost } from './commands/host';
import { exitWithError } from './messages';

/** `sockscope`: the same engine as the app, without a window, for scripts and CI. */
const program = new Command('sockscope')
  .description('Sockscope socket inspector: TCP and UDP from the command line, or the UI in a browser')
  .configureOutput({ outputError: (text, write) => write(text) });

/**
 * The other commands' modules load the engine as they are imported; `sockscope host` loads it
 * once its page is being served (commands/host.ts), so for it they are not loaded at all.
 */
async function registerCommands(): Promise<void> {
  registerHost(program);
  if (process.argv[2] === 'host') return;
  const { registerOtherCommands } = await import('./commands/others');
  registerOtherCommands(program);
}

registerCommands()
  .then(() => {
    // A usage error is one line and where to read more, not the whole help.
    for (const command of [program, ...program.commands]) {
      command.showHelpAfterError(`(${command === program ? 'sockscope' : `sockscope ${command.name()}`} --help lists the options, with examples)`);
    }
    return program.parseAsync();
  })
  .catch(exitWithError);
