import type { Endpoint, Target } from './contract';

/** `127.0.0.1:8080`, `[::1]:8080`; an IPv4-mapped IPv6 address is shown as the IPv4 it is. */
export function formatEndpoint(endpoint: Endpoint | Target | undefined): string {
  if (!endpoint) return '—';
  const address = 'address' in endpoint ? endpoint.address : endpoint.host;
  const shown = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  return shown.includes(':') ? `[${shown}]:${endpoint.port}` : `${shown}:${endpoint.port}`;
}
