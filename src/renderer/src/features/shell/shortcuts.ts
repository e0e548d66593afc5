import type { NewSocketKind } from './ui';

/** Global shortcuts for the New… dialog: matched on the physical key so ⌥ on macOS works too. */
export const newSocketShortcuts: readonly { kind: NewSocketKind; code: string; key: string; label: string }[] = [
  { kind: 'tcp-client', code: 'KeyN', key: 'N', label: 'New connection' },
  { kind: 'tcp-listener', code: 'KeyL', key: 'L', label: 'New listener' },
  { kind: 'udp', code: 'KeyU', key: 'U', label: 'New UDP socket' },
];
