import type { Result, SocketInfo } from '@shared/contract';
import type { NetworkInterface, UdpOptions } from '@shared/network';
import { invoke } from '../../sync/engine';

/** The machine's interfaces now (they come and go: VPNs, docks, Wi-Fi). */
export async function listInterfaces(): Promise<Result<NetworkInterface[]>> {
  const result = await invoke('system.interfaces', {});
  return result.ok ? { ok: true, value: result.value.interfaces } : result;
}

export function setUdpOptions(id: string, options: UdpOptions): Promise<Result<SocketInfo>> {
  return invoke('udp.setOptions', { id, ...options });
}

/** Joins a multicast group, on one interface or (undefined) the system's default. */
export function joinGroup(id: string, group: string, networkInterface?: string): Promise<Result<SocketInfo>> {
  return invoke('udp.joinGroup', { id, group, interface: networkInterface });
}

export function leaveGroup(id: string, group: string, networkInterface?: string): Promise<Result<SocketInfo>> {
  return invoke('udp.leaveGroup', { id, group, interface: networkInterface });
}
