/**
 * The log budget's bounds and how a size is typed, without the contract's schemas: the command
 * line parses `--log-budget` before the engine (and zod) have loaded.
 */
export const MIB = 1024 * 1024;
/** Kept in step with main/engine/log-budget.ts. */
export const MIN_LOG_BUDGET_MIB = 16;
export const MAX_LOG_BUDGET_MIB = 64 * 1024;

/**
 * "512M", "1G", "1.5GiB", "268435456": a size as a person types it on a command line (binary
 * units; a bare number is bytes). Undefined if it is not one.
 */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!match) return undefined;
  const power = ' kmgt'.indexOf(match[2].toLowerCase() || ' ');
  return Math.round(Number(match[1]) * 1024 ** power);
}
