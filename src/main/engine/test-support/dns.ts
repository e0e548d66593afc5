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
