/**
 * A form's schema issues under the fields that caused them: the first issue of each field, and an
 * empty field said as missing ("Port is required"), which reads better than the schema's complaint
 * about its type. Issues no field shows are handed back.
 */
export interface PathIssue {
  path: readonly PropertyKey[];
  message: string;
}

export function placeIssues<F extends string, I extends PathIssue>(
  issues: readonly I[],
  fieldFor: (path: readonly PropertyKey[]) => F | undefined,
  typed: Partial<Record<F, string>>,
  missing: Partial<Record<F, string>>,
): { errors: Partial<Record<F, string>>; unplaced: I[] } {
  const errors: Partial<Record<F, string>> = {};
  const unplaced: I[] = [];
  for (const issue of issues) {
    const field = fieldFor(issue.path);
    if (field === undefined) unplaced.push(issue);
    else errors[field] ??= typed[field]?.trim() === '' ? (missing[field] ?? issue.message) : issue.message;
  }
  return { errors, unplaced };
}
