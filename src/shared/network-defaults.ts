/** UDP's defaults, apart from the schemas (network.ts): the UDP options panel shows them without building one. */
import type { UdpSettings } from './network';

/** A UDP socket as the OS makes it (Linux, macOS and Windows agree on these). */
export const DEFAULT_UDP_SETTINGS: UdpSettings = { broadcast: false, multicastLoopback: true, groups: [] };
