/**
 * `--log-entries <count>` on `host`, hidden from --help: the entries each log keeps (the engine's
 * DEFAULT_LOG_LIMITS otherwise). For tests: a ring of a thousand entries turns over between two
 * reads of the page under a flood a test can pour on any machine, as 200,000 do under a million
 * lines a second.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';

function parseLogEntries(text: string): number {
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1 || !Number.isSafeInteger(count))
    throw new InvalidArgumentError('It must be a whole number of entries, 1 or more.');
  return count;
}

export function addLogEntriesOption(command: Command): Command {
  return command.addOption(new Option('--log-entries <count>', 'entries each log keeps').argParser(parseLogEntries).hideHelp());
}
