/**
 * How deep a value received from outside may nest. Validators and serializers recurse, and a
 * 2,000-deep array overflows their stack (a RangeError from deep inside zod), so depth is checked
 * first, here, without recursion. Nothing in the contract comes close to this.
 */
export const MAX_NESTING = 64;

/** True when arrays and objects in `value` nest more than `max` levels. Byte arrays are leaves. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [current, depth] = item;
    if (current === null || typeof current !== 'object' || ArrayBuffer.isView(current)) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

export function tooDeepMessage(max = MAX_NESTING): string {
  return `nested too deeply (more than ${max} levels)`;
}
