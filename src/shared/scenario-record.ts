/**
 * Record and replay: a log (live or a JSON Lines import) turned into a scenario. As a client,
 * what the recorded side sent becomes `send` steps and what it received `expect` steps (exact,
 * to be loosened by hand); as a mock server the roles turn round, so a listener running it answers
 * each recorded request with its recorded response, in order.
 */
import { concatBytes, toHex, toVisibleText } from './codec';
import type { ScenarioInput } from './scenario';

export interface RecordedEntry {
  dir: 'in' | 'out' | 'event';
  bytes?: Uint8Array;
}

export interface RecordOptions {
  name: string;
  /** The scenario connects as a client, or answers as a server (`sockscope mock`). */
  play: 'client' | 'server';
  /** Which side the log was recorded on: a client connection, or an accepted one (a listener's). */
  recordedAs: 'client' | 'server';
  /** A client scenario's target, `tcp://host:port`. */
  target?: string;
  timeoutMs?: number;
}

/** Bytes as a text step can carry them exactly: escapes for controls, `\{` so no `{{` reads as a macro. */
function asText(bytes: Uint8Array): string | undefined {
  const text = toVisibleText(bytes);
  // Mostly binary: hex reads better and is as exact.
  const escapes = text.match(/\\x[0-9a-f]{2}/g)?.length ?? 0;
  if (escapes * 10 > bytes.byteLength) return undefined;
  return text.replace(/\{/g, '\\{');
}

export function scenarioFromLog(entries: readonly RecordedEntry[], options: RecordOptions): ScenarioInput {
  // The scenario's own sends: what the recorded side sent, or what it received when roles turn.
  const ours = options.play === options.recordedAs ? 'out' : 'in';
  const runs: { mine: boolean; bytes: Uint8Array[] }[] = [];
  for (const entry of entries) {
    if (entry.dir === 'event' || !entry.bytes || entry.bytes.byteLength === 0) continue;
    const mine = entry.dir === ours;
    const last = runs.at(-1);
    if (last && last.mine === mine) last.bytes.push(entry.bytes);
    else runs.push({ mine, bytes: [entry.bytes] });
  }
  const steps: ScenarioInput['steps'] = runs.map(({ mine, bytes }) => {
    const joined = concatBytes(...bytes);
    const text = asText(joined);
    if (mine) return text === undefined ? { send: toHex(joined), format: 'hex' as const } : { send: text };
    const expect = text === undefined ? { hex: toHex(joined) } : { exact: text };
    return options.timeoutMs === undefined ? { expect } : { expect, timeoutMs: options.timeoutMs };
  });
  return {
    name: options.name,
    ...(options.play === 'client' && options.target ? { target: options.target } : {}),
    steps,
  };
}
