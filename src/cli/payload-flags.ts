/**
 * How `listen` and `proxy` show payloads in the terminal: as text or a hex dump, and at most so many
 * bytes of each. A 64 KiB read printed whole was one line of 64,000 characters that pushed every
 * other line off the screen; the rest of a payload is counted instead, and --pcapng / --jsonl keep
 * every byte whatever is shown.
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { EntryStyle } from './format';

export const DEFAULT_SHOWN_BYTES = 1024;

export interface PayloadFlags {
  hexdump?: boolean;
  showBytes?: number;
}

export function addPayloadFlags(command: Command): Command {
  return command
    .option('--hexdump', 'show payloads as hex dumps instead of text')
    .option(
      '--show-bytes <n|all>',
      `show at most this many bytes of each payload, and how many more there were (default ${DEFAULT_SHOWN_BYTES}); all: every byte`,
      parseShownBytes,
    );
}

export function entryStyle(flags: PayloadFlags, color: boolean): EntryStyle {
  return { hexdump: flags.hexdump === true, color, showBytes: flags.showBytes ?? DEFAULT_SHOWN_BYTES };
}

function parseShownBytes(value: string): number {
  if (value === 'all') return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('Give a number of bytes (1 or more), or all.');
  return Number(value);
}
