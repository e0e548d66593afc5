/**
 * A value built the first time it is asked for, not when its module loads: for a zod schema that
 * the first screen of the window does not use. Building schemas is most of what evaluating the
 * page's first script costs besides React, and that comes before the window first paints.
 */
export function builtOnUse<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
