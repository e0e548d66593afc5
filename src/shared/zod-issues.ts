/**
 * A zod error in the words users see, the one way every part says it (dispatch, CLI, session file,
 * capture import): "path: message" per issue (`rules.0.pattern: "z" is not a hex digit`), the bare
 * message at the top level. Not zod's own `z.prettifyError`: that writes "✖ message\n  → at
 * rules[0].pattern" over several lines, which fits neither a one-line error nor the text users know.
 */
import type { z } from 'zod';

type Issue = z.ZodError['issues'][number];

/** Where in the input an issue is, dotted (`rules.0.pattern`); empty at the top level. */
export function issuePath(issue: Issue): string {
  return issue.path.map(String).join('.');
}

/** The first `max` issues, each "path: message", joined by "; ". */
export function describeIssues(error: z.ZodError, max = 1): string {
  const described = error.issues.slice(0, max).map((issue) => {
    const path = issuePath(issue);
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  return described.length > 0 ? described.join('; ') : 'unknown problem';
}
