/** What every benchmark gets: the mode, a progress logger, and extra node flags for the host. */
export interface BenchContext {
  /** Small sizes, no targets: proves the benchmark still runs (part of `npm test`). */
  smoke: boolean;
  /** Progress lines go to stderr so that stdout stays the table. */
  log(line: string): void;
  /** Extra node flags for the host process, from BENCH_HOST_NODE_ARGS (e.g. `--cpu-prof`). */
  hostNodeArgs: string[];
}
