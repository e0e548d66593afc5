/**
 * Where the engine reaches into Node's internals (read-buffer.ts, tls.ts, udp-receive.ts) it keeps a fallback for
 * a Node that no longer has them. A fallback taken is said once per process, in the log of the
 * socket it happened on and on stderr (the CLI's and host's terminal, the app's errors log), so
 * that a Node upgrade that breaks one is noticed instead of silently costing speed or a verdict.
 */
const reported = new Set<string>();

export type InternalsNote = (message: string) => void;

/** Says once per process that `what` was not found in this Node and what the fallback costs. */
export function reportInternalsFallback(what: string, consequence: string, note: InternalsNote | undefined): void {
  if (reported.has(what)) return;
  reported.add(what);
  const message = `This Node (${process.version}) has no ${what}: ${consequence}`;
  note?.(message);
  console.warn(`Sockscope: ${message}`);
}
