/** The rules' message units, apart from the rule schemas (auto-reply.ts): the rules panel lists them without building a schema. */
import type { FramingSpec } from './framing';
import { EACH_READ, sameFraming } from './framing-names';

/**
 * What counts as one message for the rules, by name: the choices the app and the command line
 * offer (a rules file may give any framing).
 */
export const MESSAGE_UNITS = [
  // A rule or echo acts once per read, however large (up to EACH_READ's size).
  { id: 'chunk', label: `${EACH_READ} or datagram`, framing: { mode: 'raw' } },
  { id: 'line', label: 'Each line (LF)', framing: { mode: 'delimiter', delimiter: [0x0a] } },
  { id: 'crlf', label: 'Each line (CRLF)', framing: { mode: 'delimiter', delimiter: [0x0d, 0x0a] } },
  { id: 'nul', label: 'Each NUL-terminated message', framing: { mode: 'delimiter', delimiter: [0x00] } },
  { id: 'http', label: 'Each HTTP message', framing: { mode: 'message', protocol: 'http' } },
  { id: 'resp', label: 'Each RESP value', framing: { mode: 'message', protocol: 'resp' } },
] as const satisfies readonly { id: string; label: string; framing: FramingSpec }[];
export type MessageUnit = (typeof MESSAGE_UNITS)[number];

/** The named unit a framing is, if it is one of them (absent: each chunk). */
export function messageUnitOf(framing: FramingSpec | undefined): MessageUnit | undefined {
  return MESSAGE_UNITS.find((unit) => sameFraming(unit.framing, framing ?? { mode: 'raw' }));
}
