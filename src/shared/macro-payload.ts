/**
 * Where macros meet the send fields: Text mode evaluates `{{…}}` macros (hex and base64 are
 * bytes as written), so every text payload — send bar, saved message, repeat, reply, sequence
 * step — reads the same way. An old text payload with a stray `{{` is an error at its field,
 * pointing at the brace, rather than bytes the user did not mean.
 */
import { z } from 'zod';
import { schemaOnUse } from './built-on-use';
import { concatBytes, lineEndingBytes, type LineEnding, type ParseResult } from './codec';
import { compileMacros, evaluateMacros, type MacroContext, newMacroContext } from './macros';
import { parsePayload, type PayloadFormat } from './payload';

/** The bytes a typed payload stands for now; `context` carries the socket's counters. */
export function encodePayload(
  input: string,
  format: PayloadFormat,
  context: MacroContext = newMacroContext(),
  lineEnding: LineEnding = 'none',
): ParseResult {
  const parsed = format === 'text' ? evaluateMacros(input, context) : parsePayload(input, format);
  if (!parsed.ok || format !== 'text' || lineEnding === 'none') return parsed;
  return { ok: true, bytes: concatBytes(parsed.bytes, lineEndingBytes[lineEnding]) };
}

/** Checks a typed payload without evaluating it (a saved message, a rule's reply). */
export function checkPayload(
  input: string,
  format: PayloadFormat,
  options: { captures?: boolean } = {},
): { ok: true } | { ok: false; message: string; position?: number } {
  if (format !== 'text') {
    const parsed = parsePayload(input, format);
    return parsed.ok ? { ok: true } : parsed;
  }
  const compiled = compileMacros(input, options);
  return compiled.ok ? { ok: true } : compiled;
}

export const MAX_MACRO_PAYLOAD_CHARS = 256 * 1024;

/** A text payload whose macros main evaluates at each send (a repeat): as typed, plus the line ending. */
export const MacroPayload = schemaOnUse(() =>
  z
    .object({
      text: z.string().max(MAX_MACRO_PAYLOAD_CHARS, `A payload with macros is at most ${MAX_MACRO_PAYLOAD_CHARS / 1024} KiB of text`),
      lineEnding: z.enum(['none', 'lf', 'crlf']).default('none'),
    })
    .superRefine((payload, ctx) => {
      const compiled = compileMacros(payload.text);
      if (!compiled.ok) ctx.addIssue({ code: 'custom', path: ['text'], message: compiled.message });
    }),
);
export type MacroPayload = z.output<typeof MacroPayload>;
