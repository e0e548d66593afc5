/**
 * UDP socket options (broadcast, TTLs, multicast) and the machine's network interfaces, as they
 * cross the contract. The commands that use them are in contract/sockets.ts.
 */
import { isIPv4, isIPv6 } from './address';
import { z } from 'zod';
import { schemaOnUse } from './built-on-use';

export * from './network-defaults';

const ttl = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be between 1 and 255`)
    .max(255, `${what} must be between 1 and 255`);

/** A network interface by the name the OS gives it (`eth0`, `lo`, `en0`), as system.interfaces lists it. */
export const InterfaceName = schemaOnUse(() =>
  z
    .string()
    .trim()
    .min(1, 'Choose an interface')
    .max(64, 'An interface name is at most 64 characters')
    .refine((name) => !/[\s%/]/.test(name), 'An interface name has no spaces, % or /'),
);

/** IPv4 224.0.0.0/4 or IPv6 ff00::/8. */
export const MulticastGroup = schemaOnUse(() =>
  z
    .string()
    .trim()
    .min(1, 'Give a multicast group address')
    .refine(isMulticastAddress, 'A multicast group is an address in 224.0.0.0–239.255.255.255 or ff00::/8, e.g. 239.1.2.3 or ff15::1'),
);

/** What can be changed on a bound UDP socket; each field left out stays as it is. */
export const UdpOptions = schemaOnUse(() =>
  z.object({
    /** SO_BROADCAST: needed to send to a broadcast address such as 255.255.255.255. */
    broadcast: z.boolean().optional(),
    /** IP_TTL / IPV6_UNICAST_HOPS for unicast datagrams. */
    ttl: ttl('TTL').optional(),
    /** IP_MULTICAST_TTL: 1 keeps multicast on the local network. */
    multicastTtl: ttl('Multicast TTL').optional(),
    /** IP_MULTICAST_LOOP: whether this machine's own members get what it sends to a group. */
    multicastLoopback: z.boolean().optional(),
    /** Which interface multicast is sent from; absent: the system's choice. */
    multicastInterface: InterfaceName.optional(),
  }),
);

export const MulticastMembership = schemaOnUse(() =>
  z.object({
    group: z.string(),
    /** Absent: joined on the interface the system chose. */
    interface: z.string().optional(),
  }),
);

/** What Sockscope set on a UDP socket (the OS offers no way to read most of it back). */
export const UdpSettings = schemaOnUse(() =>
  z.object({
    broadcast: z.boolean(),
    ttl: z.number().int().optional(),
    multicastTtl: z.number().int().optional(),
    multicastLoopback: z.boolean(),
    multicastInterface: z.string().optional(),
    groups: z.array(MulticastMembership),
  }),
);

export const InterfaceAddress = schemaOnUse(() =>
  z.object({
    address: z.string(),
    family: z.enum(['IPv4', 'IPv6']),
    /** CIDR form, e.g. 192.168.1.10/24. */
    cidr: z.string().optional(),
    /** IPv6 link-local scope. */
    scopeId: z.number().int().nonnegative().optional(),
  }),
);

export const NetworkInterface = schemaOnUse(() =>
  z.object({
    name: z.string(),
    /** Loopback and other interfaces that never leave the machine. */
    internal: z.boolean(),
    addresses: z.array(InterfaceAddress),
  }),
);

export function isMulticastAddress(address: string): boolean {
  if (isIPv4(address)) {
    const first = Number(address.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  return isIPv6(address) && /^ff[0-9a-f]{2}:/i.test(address);
}

export type UdpOptions = z.infer<typeof UdpOptions>;
export type UdpSettings = z.infer<typeof UdpSettings>;
export type MulticastMembership = z.infer<typeof MulticastMembership>;
export type NetworkInterface = z.infer<typeof NetworkInterface>;
export type InterfaceAddress = z.infer<typeof InterfaceAddress>;
