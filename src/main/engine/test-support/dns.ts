/**
 * A name that does not resolve, refused by the system's resolver itself: a name with an empty label
 * is never sent to a DNS server, so the answer (ENOTFOUND, "Host not found") comes at once. A
 * well-formed name that does not exist ('nosuch.invalid') is a query to the network's DNS server:
 * where that server drops queries, the lookup waits for the resolver's own timeout (10 s with
 * glibc's defaults) and then fails with EAI_AGAIN instead — a test that waits on another machine.
 */
export const UNRESOLVABLE_HOST = 'nosuch..invalid';

/**
 * What the engine says when a name cannot be resolved. Which of the two a test meets depends on
 * the machine: ENOTFOUND where a DNS server answers, EAI_AGAIN where none can be reached (a
 * sandbox without DNS, a network namespace).
 */
export function lookupFailure(host: string, code: string | undefined): string {
  return code === 'EAI_AGAIN'
    ? `Could not look up ${host}: no DNS server answered — check the network, or use an IP address`
    : `Host not found: ${host}`;
}
