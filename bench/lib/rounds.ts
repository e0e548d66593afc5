/**
 * Rounds that set Sockscope against a reference on a machine whose load drifts. Each round runs
 * every contender once, back to back, and every other round runs them in the reverse order: in a
 * fixed order whichever ran last would always meet the same side of a drift (a neighbour's job
 * starting or ending), and one side of the ratio would be favoured round after round. Before the
 * first round each contender runs once unmeasured, the same way, so that no round measures one
 * side cold (a Node host's first transfer compiles its read path and faults in its log slabs; a
 * reference process starts from a page cache that the first run warmed).
 */

export interface RoundsOptions {
  rounds: number;
  /** Runs each contender once before the first round, results discarded. */
  warmUp?: boolean;
}

/**
 * Runs `contenders` (in their listed order in odd rounds, reversed in even ones) and returns each
 * one's results in round order. `warm` gives the warm-up run of a contender, when it should differ
 * from a measured one (a smaller transfer); `onRound` sees each round's results as they come.
 */
export async function interleavedRounds<K extends string, R>(
  options: RoundsOptions,
  contenders: Record<K, () => Promise<R>>,
  onRound: (round: number, results: Record<K, R>) => void,
  warm: Partial<Record<K, () => Promise<unknown>>> = {},
): Promise<Record<K, R[]>> {
  const names = Object.keys(contenders) as K[];
  if (options.warmUp) for (const name of names) await (warm[name] ?? contenders[name])();
  const all = Object.fromEntries(names.map((name) => [name, [] as R[]])) as Record<K, R[]>;
  for (let round = 1; round <= options.rounds; round++) {
    const results = {} as Record<K, R>;
    for (const name of round % 2 === 1 ? names : [...names].reverse()) results[name] = await contenders[name]();
    for (const name of names) all[name].push(results[name]);
    onRound(round, results);
  }
  return all;
}
