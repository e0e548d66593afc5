/**
 * Auto-reply rules as they cross the contract: what the user wrote (pattern and reply as text),
 * checked here once so the engine, the UI's rule editor and the command line's rules file all
 * accept and refuse the same things with the same words.
 */
import { z } from 'zod';
import { schemaOnUse } from './built-on-use';
import { parseHex } from './codec';
import { FramingSpec } from './framing';
import { checkPayload } from './macro-payload';
import { compileMacros, type CompiledMacros, staticTemplate } from './macros';
import { parseEscapedText } from './payload';
import { compileUserRegex, type UserRegex } from './user-regex';

export * from './auto-reply-units';

export const AutoReplyMatch = schemaOnUse(() => z.enum(['exact', 'contains', 'regex', 'hex-prefix']));
export const AutoReplyFormat = schemaOnUse(() => z.enum(['text', 'hex']));

export const MAX_AUTO_REPLY_RULES = 64;
export const MAX_AUTO_REPLY_DELAY_MS = 60_000;
const MAX_PATTERN_CHARS = 4096;
const MAX_REPLY_CHARS = 256 * 1024;

const ruleFields = schemaOnUse(() => ({
  /** Chosen by whoever writes the rule; hit counts follow a rule by its id when the list changes. */
  id: z.string().min(1).max(64),
  name: z.string().trim().max(120, 'A rule name is at most 120 characters').optional(),
  enabled: z.boolean().default(true),
  match: AutoReplyMatch,
  /**
   * exact / contains: text with escapes (`\r\n`, `\xNN`), compared byte for byte;
   * regex: RE2 syntax (linear time), tested on the payload decoded as UTF-8; hex-prefix: hex bytes.
   */
  pattern: z.string().min(1, 'A pattern is required').max(MAX_PATTERN_CHARS, `A pattern is at most ${MAX_PATTERN_CHARS} characters`),
  /**
   * Text with escapes and macros (`{{counter}}`, `{{crc16-modbus}}`; for a regex rule `$1`,
   * `$<name>`, `$&`), or hex when replyFormat is 'hex'. Empty: answer with nothing (no echo).
   */
  reply: z.string().max(MAX_REPLY_CHARS, `A reply is at most ${MAX_REPLY_CHARS / 1024} KiB of text`),
  replyFormat: AutoReplyFormat.default('text'),
  delayMs: z
    .number({ error: 'Delay must be a number of milliseconds' })
    .int('Delay must be a whole number of milliseconds')
    .min(0, 'Delay cannot be negative')
    .max(MAX_AUTO_REPLY_DELAY_MS, `Delay is at most ${MAX_AUTO_REPLY_DELAY_MS / 1000} s`)
    .default(0),
}));

export const AutoReplyRule = schemaOnUse(() =>
  z.object(ruleFields).superRefine((rule, ctx) => {
    const pattern = parsePattern(rule.match, rule.pattern);
    if (!pattern.ok) ctx.addIssue({ code: 'custom', path: ['pattern'], message: pattern.message });
    const reply = checkPayload(rule.reply, rule.replyFormat, { captures: rule.match === 'regex' });
    if (!reply.ok) ctx.addIssue({ code: 'custom', path: ['reply'], message: reply.message });
    else if (pattern.ok && 'regex' in pattern) {
      const missing = missingCapture(rule.reply, pattern.regex);
      if (missing) ctx.addIssue({ code: 'custom', path: ['reply'], message: missing });
    }
  }),
);

export const AutoReplyRules = schemaOnUse(() =>
  z
    .array(AutoReplyRule)
    .max(MAX_AUTO_REPLY_RULES, `At most ${MAX_AUTO_REPLY_RULES} rules per socket`)
    .refine((rules) => new Set(rules.map((rule) => rule.id)).size === rules.length, 'Each rule needs its own id'),
);

export const AutoReplyRuleState = schemaOnUse(() => z.object({ ...ruleFields, hits: z.number().int().nonnegative() }));

/** A listener's or UDP socket's auto-reply settings with live hit counts, as SocketInfo carries them. */
export const AutoReplyState = schemaOnUse(() =>
  z.object({
    /** Send back every message that no enabled rule answered. */
    echo: z.boolean(),
    echoHits: z.number().int().nonnegative(),
    rules: z.array(AutoReplyRuleState),
    /**
     * What one message is, for matching: absent or raw, each chunk as received (a read, a
     * datagram); otherwise frames cut by this framing (each line, each HTTP message, …).
     */
    framing: FramingSpec.optional(),
  }),
);

export type AutoReplyMatch = z.infer<typeof AutoReplyMatch>;
export type AutoReplyFormat = z.infer<typeof AutoReplyFormat>;
export type AutoReplyRule = z.output<typeof AutoReplyRule>;
export type AutoReplyRuleInput = z.input<typeof AutoReplyRule>;
export type AutoReplyRuleState = z.infer<typeof AutoReplyRuleState>;
export type AutoReplyState = z.infer<typeof AutoReplyState>;

export type ParsedPattern = { ok: true; bytes: Uint8Array } | { ok: true; regex: UserRegex } | { ok: false; message: string };

/** The pattern as the engine matches it: bytes, or a compiled regular expression. */
export function parsePattern(match: AutoReplyMatch, pattern: string): ParsedPattern {
  switch (match) {
    case 'exact':
    case 'contains':
      return parseEscapedText(pattern);
    case 'hex-prefix': {
      const parsed = parseHex(pattern);
      if (parsed.ok && parsed.bytes.byteLength === 0) return { ok: false, message: 'A hex prefix needs at least one byte' };
      return parsed;
    }
    case 'regex':
      // Linear time: the pattern runs over whatever a peer sends.
      return compileUserRegex(pattern);
  }
}

/**
 * A reply as the engine sends it: text with macros (for a regex rule also `$1`, `$<name>`, `$&`
 * from what matched), evaluated for each message; hex as written.
 */
/** A `$2` or `$<name>` in a reply that the rule's pattern has no group for, said in words. */
function missingCapture(reply: string, regex: UserRegex): string | undefined {
  const compiled = compileMacros(reply, { captures: true });
  if (!compiled.ok) return undefined;
  for (const group of compiled.template.captures) {
    if (typeof group === 'number' && group > regex.groupCount) {
      return `$${group}: the pattern has ${regex.groupCount === 0 ? 'no groups' : `only ${regex.groupCount} group${regex.groupCount === 1 ? '' : 's'}`}`;
    }
    if (typeof group === 'string' && !regex.groupNames.includes(group)) {
      return `$<${group}>: the pattern has no group named ${group}${regex.groupNames.length ? ` (it has ${regex.groupNames.join(', ')})` : ''}`;
    }
  }
  return undefined;
}

export function parseReply(reply: string, format: AutoReplyFormat, match: AutoReplyMatch): CompiledMacros {
  if (format === 'text') return compileMacros(reply, { captures: match === 'regex' });
  const parsed = parseHex(reply);
  return parsed.ok
    ? { ok: true, template: staticTemplate(reply, parsed.bytes) }
    : { ok: false, message: parsed.message, position: parsed.position ?? 1 };
}
