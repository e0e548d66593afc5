/**
 * IP address text as people type it: IPv6 in brackets (`[::1]`), scope ids
 * (`fe80::1%eth0`). Written without node:net because the renderer checks the same things.
 */

export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255);
}

/** An IPv6 address, optionally with a scope id (`fe80::1%eth0`, `fe80::1%2`). */
export function isIPv6(text: string): boolean {
  const [address, scope, ...rest] = text.split('%');
  if (rest.length > 0 || (scope !== undefined && !/^[\w.-]{1,64}$/.test(scope))) return false;
  let groups = address.split(':');
  // An IPv4 tail (::ffff:192.0.2.1) counts as two groups.
  const last = groups[groups.length - 1];
  if (last.includes('.')) {
    if (!isIPv4(last)) return false;
    groups = [...groups.slice(0, -1), '0', '0'];
  }
  const text6 = groups.join(':');
  const halves = text6.split('::');
  if (halves.length > 2) return false;
  const hex = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = hex(halves[0]);
  const tail = halves.length === 2 ? hex(halves[1]) : [];
  const all = [...head, ...tail];
  if (!all.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return false;
  return halves.length === 2 ? all.length <= 7 : all.length === 8;
}

/** `[::1]` → `::1`; anything else as it is. */
export function unbracket(host: string): string {
  const match = /^\[(.*)\]$/.exec(host);
  return match ? match[1] : host;
}
