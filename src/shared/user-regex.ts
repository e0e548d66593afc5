/**
 * Regular expressions that people type (auto-reply rules, expect steps, search) and that run over
 * bytes a peer controls. JavaScript's backtracking engine can take exponential time on patterns
 * such as `(a+)+$`, freezing the whole process; RE2 matches in time linear in the input, so a
 * hostile peer cannot stall Sockscope. RE2 has no backreferences and no lookaround: those are
 * refused where the pattern is typed, with a sentence that says so.
 *
 * The engine (re2js, ~260 kB of code) loads on first use, not with the modules that import this
 * one: the contract's schemas check patterns, but few sessions type one, and compiling it on the
 * host's first message took CPU from the page's start. Whoever may compile a pattern loads it first
 * (loadUserRegex), or checks through withUserRegex, which loads it when a check turns out to need it.
 */
import type * as Re2js from 're2js';
import type { RE2JS } from 're2js';

type Re2 = typeof Re2js;

let engine: Re2 | undefined;
let loading: Promise<void> | undefined;

/** Loads the regex engine; every compileUserRegex after it resolves compiles. */
export function loadUserRegex(): Promise<void> {
  return (loading ??= import('re2js').then((module) => {
    engine = module;
  }));
}

/** Thrown by compileUserRegex before loadUserRegex has resolved: a caller that did not load it first. */
export class UserRegexNotLoaded extends Error {
  constructor() {
    super('The regular expression engine is not loaded yet (loadUserRegex)');
  }
}

/**
 * Runs `check` (a parse that may compile user patterns); if it needed the regex engine before it
 * was loaded, loads it and runs `check` again. `check` must have no effects: it may run twice.
 */
export async function withUserRegex<T>(check: () => T): Promise<T> {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof UserRegexNotLoaded)) throw error;
    await loadUserRegex();
    return check();
  }
}

export interface RegexMatch {
  /** What the whole pattern matched (`$&`). */
  text: string;
  /** UTF-16 offset of the match in the input. */
  index: number;
  /** Numbered groups, `groups[1]` is `$1`; an unmatched group is undefined. */
  groups: (string | undefined)[];
  /** Named groups (`(?<name>…)`), absent when unmatched. */
  named: Record<string, string | undefined>;
}

export interface UserRegex {
  readonly source: string;
  /** The names of its named groups (`(?<name>…)`), in no particular order. */
  readonly groupNames: readonly string[];
  /** How many numbered groups it has (`$1` … `$groupCount`). */
  readonly groupCount: number;
  test(input: string): boolean;
  /** The first match, or null. */
  exec(input: string): RegexMatch | null;
}

export type CompiledUserRegex = { ok: true; regex: UserRegex } | { ok: false; message: string };

/** Longest pattern accepted: patterns are typed by people, and compile time grows with length. */
export const MAX_REGEX_LENGTH = 4096;

const UNSUPPORTED: readonly { test: RegExp; message: string }[] = [
  { test: /\(\?<?[=!]/, message: 'Lookahead and lookbehind ((?=…), (?!…), (?<=…), (?<!…)) are not supported' },
  { test: /\\[1-9]|\\k</, message: 'Backreferences (\\1, \\k<name>) are not supported' },
];

/**
 * Compiles a pattern for the linear-time engine. Messages name what is wrong in words; the
 * engine's own text is kept after a colon where it adds the position.
 */
export function compileUserRegex(pattern: string, options: { ignoreCase?: boolean } = {}): CompiledUserRegex {
  if (pattern.length === 0) return { ok: false, message: 'The regular expression is empty' };
  if (pattern.length > MAX_REGEX_LENGTH) {
    return { ok: false, message: `The regular expression is longer than ${MAX_REGEX_LENGTH} characters` };
  }
  const unsupported = UNSUPPORTED.find((u) => u.test.test(pattern));
  if (unsupported) {
    return { ok: false, message: `${unsupported.message}: Sockscope matches in linear time so that no message can freeze it` };
  }
  if (!engine) throw new UserRegexNotLoaded();
  let compiled: RE2JS;
  try {
    compiled = engine.RE2JS.compile(pattern, options.ignoreCase ? engine.RE2JS.CASE_INSENSITIVE : 0);
  } catch (error) {
    const detail = error instanceof engine.RE2JSException ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    return { ok: false, message: `Not a valid regular expression: ${detail}` };
  }
  return { ok: true, regex: wrap(pattern, compiled) };
}

function wrap(source: string, compiled: RE2JS): UserRegex {
  const groupCount = compiled.groupCount();
  const names = Object.entries(compiled.namedGroups());
  return {
    source,
    groupNames: names.map(([name]) => name),
    groupCount,
    test: (input) => compiled.matcher(input).find(),
    exec(input) {
      const matcher = compiled.matcher(input);
      if (!matcher.find()) return null;
      const groups: (string | undefined)[] = [];
      for (let i = 0; i <= groupCount; i++) groups.push(matcher.group(i) ?? undefined);
      const named: Record<string, string | undefined> = {};
      for (const [name, index] of names) named[name] = groups[index];
      return { text: groups[0] ?? '', index: matcher.start(), groups, named };
    },
  };
}
