/** This machine's network interfaces, as the OS reports them at the moment of asking. */
import { networkInterfaces } from 'node:os';
import type { NetworkInterface } from '@shared/network';

export function listInterfaces(): NetworkInterface[] {
  return Object.entries(networkInterfaces()).map(([name, infos = []]) => ({
    name,
    internal: infos.length > 0 && infos.every((info) => info.internal),
    addresses: infos.map((info) => {
      const address = { address: info.address, family: info.family === 'IPv6' ? ('IPv6' as const) : ('IPv4' as const) };
      return {
        ...address,
        ...(info.cidr ? { cidr: info.cidr } : {}),
        ...(info.family === 'IPv6' && info.scopeid ? { scopeId: info.scopeid } : {}),
      };
    }),
  }));
}
