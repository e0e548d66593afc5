/** Which toxics each protocol takes, apart from their schemas (proxy.ts): the proxy panel lists them without building one. */
import type { ToxicAttributeSchemas } from './proxy';

/** Which toxics each protocol takes; the others are refused with a message that says so. */
export const PROTOCOL_TOXICS = {
  tcp: ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data'],
  udp: ['latency', 'loss', 'duplicate', 'reorder'],
} as const satisfies Record<string, readonly (keyof typeof ToxicAttributeSchemas)[]>;
