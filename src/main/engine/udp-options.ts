/**
 * Socket options of a bound UDP socket: broadcast, TTLs, multicast loopback, interface and group
 * memberships. The OS cannot be asked for most of them, so what Sockscope set is kept on the
 * record (SocketInfo.udp) and every change is logged.
 */
import type { Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { DEFAULT_UDP_SETTINGS, isMulticastAddress, type UdpOptions, type UdpSettings } from '@shared/network';
import { describeError, EngineError } from './errors';
import type { Family } from './endpoint';
import type { SocketRecord } from './socket-record';

export interface OptionTarget {
  record: SocketRecord;
  socket: Socket;
  family: Family;
}

export function applyUdpOptions({ record, socket, family }: OptionTarget, options: UdpOptions): void {
  const settings: UdpSettings = { ...currentSettings(record) };
  const changes: string[] = [];
  const apply = (what: string, set: () => void): void => {
    try {
      set();
    } catch (err) {
      const info = describeError(err);
      throw new EngineError(info.code, `Could not set ${what} on ${record.id}: ${info.message}`);
    }
  };
  if (options.broadcast !== undefined) {
    apply('broadcast', () => socket.setBroadcast(options.broadcast === true));
    settings.broadcast = options.broadcast;
    changes.push(`broadcast ${options.broadcast ? 'on' : 'off'}`);
  }
  if (options.ttl !== undefined) {
    const ttl = options.ttl;
    apply('the TTL', () => socket.setTTL(ttl));
    settings.ttl = ttl;
    changes.push(`TTL ${ttl}`);
  }
  if (options.multicastTtl !== undefined) {
    const ttl = options.multicastTtl;
    apply('the multicast TTL', () => socket.setMulticastTTL(ttl));
    settings.multicastTtl = ttl;
    changes.push(`multicast TTL ${ttl}`);
  }
  if (options.multicastLoopback !== undefined) {
    const loop = options.multicastLoopback;
    apply('multicast loopback', () => socket.setMulticastLoopback(loop));
    settings.multicastLoopback = loop;
    changes.push(`multicast loopback ${loop ? 'on' : 'off'}`);
  }
  if (options.multicastInterface !== undefined) {
    const name = options.multicastInterface;
    const address = interfaceFor(name, family, 'send multicast from');
    apply(`the multicast interface ${name}`, () => socket.setMulticastInterface(address));
    settings.multicastInterface = name;
    changes.push(`multicast sent from ${name}`);
  }
  if (changes.length === 0) return;
  record.update({ udp: settings });
  record.event('info', `Options: ${changes.join(', ')}`);
}

/** Joins or leaves `group` on the named interface (or on the system's choice). */
export function changeMembership(
  { record, socket, family }: OptionTarget,
  change: 'join' | 'leave',
  group: string,
  networkInterface: string | undefined,
): void {
  if (!isMulticastAddress(group)) {
    throw new EngineError('INVALID_INPUT', `${group} is not a multicast address (224.0.0.0/4 or ff00::/8)`);
  }
  const groupFamily: Family = group.includes(':') ? 'IPv6' : 'IPv4';
  if (groupFamily !== family) {
    throw new EngineError(
      'EAFNOSUPPORT',
      `${record.id} is an ${family} socket and ${group} an ${groupFamily} group: bind to ${groupFamily === 'IPv4' ? '0.0.0.0' : '::'} to join it`,
    );
  }
  const settings = currentSettings(record);
  const on = networkInterface ? ` on ${networkInterface}` : '';
  const member = settings.groups.some((g) => g.group === group && g.interface === networkInterface);
  if (change === 'join' && member) throw new EngineError('ALREADY_MEMBER', `${record.id} has already joined ${group}${on}`);
  if (change === 'leave' && !member) throw new EngineError('NOT_MEMBER', `${record.id} has not joined ${group}${on}`);
  const address = networkInterface ? interfaceFor(networkInterface, family, change) : undefined;
  try {
    if (change === 'join') socket.addMembership(group, address);
    else socket.dropMembership(group, address);
  } catch (err) {
    const info = describeError(err);
    const why =
      info.code === 'ENODEV' || info.code === 'EADDRNOTAVAIL' || info.code === 'ENETUNREACH'
        ? `the interface${on || ' the system chose'} cannot take part in multicast (is it up, with multicast enabled?)`
        : info.message;
    throw new EngineError(info.code, `Could not ${change} ${group}${on}: ${why}`);
  }
  const groups =
    change === 'join'
      ? [...settings.groups, networkInterface ? { group, interface: networkInterface } : { group }]
      : settings.groups.filter((g) => !(g.group === group && g.interface === networkInterface));
  record.update({ udp: { ...settings, groups } });
  record.event('info', `${change === 'join' ? 'Joined' : 'Left'} multicast group ${group}${on}`);
}

function currentSettings(record: SocketRecord): UdpSettings {
  return record.info.udp ?? DEFAULT_UDP_SETTINGS;
}

/**
 * What the socket API wants for an interface: IPv4 takes one of its addresses; IPv6 takes the
 * interface as a scope (`::%eth0`).
 */
function interfaceFor(name: string, family: Family, purpose: string): string {
  const addresses = networkInterfaces()[name];
  if (!addresses) throw new EngineError('NOT_FOUND', `No network interface named ${name} on this machine`);
  if (family === 'IPv6') return `::%${name}`;
  const v4 = addresses.find((a) => a.family === 'IPv4');
  if (!v4) throw new EngineError('EADDRNOTAVAIL', `Interface ${name} has no IPv4 address, so an IPv4 socket cannot ${purpose} it`);
  return v4.address;
}
