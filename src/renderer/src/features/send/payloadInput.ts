import type { LineEnding, ParseResult } from '@shared/codec';
import { encodePayload } from '@shared/macro-payload';
import { cloneMacroContext, type MacroContext } from '@shared/macros';
import type { PayloadFormat } from '@shared/payload';
import type { SendMode } from '../shell/preferences';

/** The send bar's modes, in the order the selector shows them. */
export const sendModeOptions: readonly { value: SendMode; label: string }[] = [
  { value: 'text', label: 'Text' },
  { value: 'hex', label: 'Hex' },
  { value: 'base64', label: 'Base64' },
  { value: 'file', label: 'File' },
];

/**
 * What the send bar would send for `text`: the line ending applies to Text mode only, and so do
 * macros. A preview evaluates them on a copy of the socket's counters, so it shows what the next
 * send will be without using it up.
 */
export function encodeInput(text: string, format: PayloadFormat, lineEnding: LineEnding, context: MacroContext, preview = false): ParseResult {
  return encodePayload(text, format, preview ? cloneMacroContext(context) : context, lineEnding);
}

const contexts = new Map<string, MacroContext>();

/** The send bar's macro counters for one socket (the engine keeps its own for repeats and replies). */
export function sendBarMacros(socketId: string): MacroContext {
  let context = contexts.get(socketId);
  if (!context) {
    context = { counters: new Map(), vars: new Map() };
    contexts.set(socketId, context);
  }
  return context;
}

export const inputHints: Record<PayloadFormat, string> = {
  text: 'Sent as UTF-8. Escapes: \\r \\n \\t \\0 \\xNN (a byte) \\u{…} (a character), \\\\ for a backslash. Macros: {{counter}} {{iso}} {{uuid}} {{hex:01 02}} {{crc16-modbus}} {{len:u16be}}…{{end}}; \\{ for a literal brace.',
  hex: 'Hex bytes, e.g. 48 65 6c 6c 6f 0d 0a. Spaces, colons and 0x are ignored.',
  base64: 'Base64, e.g. SGVsbG8=. Line breaks are ignored; padding and the URL-safe alphabet are fine.',
};

export const placeholders: Record<PayloadFormat, string> = {
  text: 'Type a message',
  hex: '48 65 6c 6c 6f',
  base64: 'SGVsbG8=',
};

export const emptyInputMessages: Record<PayloadFormat, string> = {
  text: 'Nothing to send: type a message or choose a line ending',
  hex: 'Nothing to send: type hex bytes such as 48 65 6c 6c 6f',
  base64: 'Nothing to send: paste base64 such as SGVsbG8=',
};

/** Selects the character a parse error points at (1-based position), so the user sees where. */
export function selectErrorPosition(element: HTMLTextAreaElement | null, position: number | undefined): void {
  if (!element || position === undefined) return;
  const start = Math.max(0, Math.min(element.value.length, position - 1));
  element.focus();
  element.setSelectionRange(start, Math.min(element.value.length, start + 1));
}
