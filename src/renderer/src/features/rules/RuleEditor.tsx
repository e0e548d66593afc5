import { useId, useState, type FormEvent } from 'react';
import { AutoReplyMatch, AutoReplyRule, type AutoReplyFormat, type AutoReplyRuleInput } from '@shared/auto-reply';
import { matchLabel } from './autoReply';
import { FormField } from '../../ui/FormField';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { FormActions } from '../../ui/FormActions';

const replyFormats: readonly { value: AutoReplyFormat; label: string }[] = [
  { value: 'text', label: 'Text' },
  { value: 'hex', label: 'Hex' },
];

const patternHelp: Record<AutoReplyRuleInput['match'], { placeholder: string; hint: string }> = {
  exact: { placeholder: 'HELLO\\r\\n', hint: 'The whole message, byte for byte. Escapes: \\r \\n \\t \\0 \\xNN' },
  contains: { placeholder: 'PING', hint: 'Anywhere in the message. Escapes: \\r \\n \\t \\0 \\xNN' },
  regex: { placeholder: '^GET /(\\w+)', hint: 'RE2 syntax (no lookaround or backreferences), tested on the message as UTF-8 text' },
  'hex-prefix': { placeholder: '02 01', hint: 'The bytes the message starts with' },
};

type Field = 'pattern' | 'reply' | 'delayMs' | 'name';

interface RuleEditorProps {
  /** The rule being edited; a new one when undefined. */
  rule: AutoReplyRuleInput;
  isNew: boolean;
  /** Resolves with the engine's error, or null once saved. */
  onSave: (rule: AutoReplyRuleInput) => Promise<string | null>;
  onCancel: () => void;
}

/** Add or edit one auto-reply rule: what to match, what to send back, after how long. */
export function RuleEditor({ rule, isNew, onSave, onCancel }: RuleEditorProps) {
  const [match, setMatch] = useState(rule.match);
  const [pattern, setPattern] = useState(rule.pattern);
  const [replyFormat, setReplyFormat] = useState<AutoReplyFormat>(rule.replyFormat ?? 'text');
  const [reply, setReply] = useState(rule.reply);
  const [delay, setDelay] = useState(String(rule.delayMs ?? 0));
  const [name, setName] = useState(rule.name ?? '');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const candidate: AutoReplyRuleInput = {
      ...rule,
      match,
      pattern,
      reply,
      replyFormat,
      delayMs: /^\d+$/.test(delay.trim()) ? Number(delay.trim()) : Number.NaN,
      name: name.trim() === '' ? undefined : name.trim(),
    };
    // The contract's own schema: the editor refuses exactly what the engine would, in its words.
    const parsed = AutoReplyRule.safeParse(candidate);
    if (!parsed.success) {
      const found: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as Field;
        found[field] ??=
          field === 'delayMs' && delay.trim() !== '' && !/^\d+$/.test(delay.trim()) ? 'Delay must be a whole number of milliseconds' : issue.message;
      }
      setErrors(found);
      return;
    }
    setErrors({});
    setSaving(true);
    const failure = await onSave(candidate);
    setSaving(false);
    setSaveError(failure);
  };

  const help = patternHelp[match];
  const input = (invalid: boolean): string =>
    `h-7 w-full rounded border bg-canvas px-2 font-mono text-xs text-fg placeholder:font-sans placeholder:text-faint focus:outline-2 focus:-outline-offset-1 focus:outline-accent ${invalid ? 'border-danger' : 'border-line-strong'}`;
  const note = (field: Field, hint?: string) => {
    const text = errors[field] ?? hint;
    return text ? (
      <p id={`${id}-${field}-note`} className={`mt-1 text-[11px] leading-snug ${errors[field] ? 'text-danger' : 'text-muted'}`}>
        {text}
      </p>
    ) : null;
  };
  /** Pattern and reply: what is matched in sky, what is sent in amber, as in the log. */
  const payloadInput = (
    field: 'pattern' | 'reply',
    label: string,
    value: string,
    onChange: (value: string) => void,
    placeholder: string,
    color: string,
  ) => (
    <input
      id={`${id}-${field}`}
      aria-label={label}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      placeholder={placeholder}
      spellCheck={false}
      autoComplete="off"
      autoFocus={field === 'pattern'}
      aria-invalid={errors[field] ? true : undefined}
      aria-describedby={`${id}-${field}-note`}
      className={`${input(errors[field] !== undefined)} ${color}`}
    />
  );

  return (
    <form
      onSubmit={(event) => void submit(event)}
      aria-label={isNew ? 'New rule' : 'Edit rule'}
      className="flex flex-col gap-2.5 rounded-md border border-line-strong bg-canvas p-2.5 shadow-sm"
    >
      <div>
        <div className="mb-1 flex items-center justify-between text-xs font-medium text-muted">
          <label htmlFor={`${id}-pattern`}>When a message</label>
          <select
            aria-label="Match"
            value={match}
            onChange={(event) => setMatch(event.target.value as AutoReplyRuleInput['match'])}
            className="h-6 rounded border border-line-strong bg-canvas px-1 text-xs font-normal text-fg"
          >
            {AutoReplyMatch.options.map((option) => (
              <option key={option} value={option}>
                {matchLabel[option]}
              </option>
            ))}
          </select>
        </div>
        {payloadInput('pattern', 'Pattern', pattern, setPattern, help.placeholder, 'text-rx')}
        {note('pattern', help.hint)}
      </div>
      <div>
        <div className="mb-1 flex items-center justify-between">
          <label htmlFor={`${id}-reply`} className="text-xs font-medium text-muted">
            Reply with
          </label>
          <SegmentedControl label="Reply as" options={replyFormats} value={replyFormat} onChange={setReplyFormat} />
        </div>
        {payloadInput('reply', 'Reply', reply, setReply, replyFormat === 'hex' ? '4f 4b 0d 0a' : 'PONG\\n', 'text-tx')}
        {note(
          'reply',
          reply === ''
            ? 'Empty: answer with nothing (and keep echo from answering)'
            : replyFormat === 'hex'
              ? 'Hex bytes; spaces, colons and 0x are ignored'
              : match === 'regex'
                ? 'UTF-8 with escapes and macros ({{counter}}); $1, $<name>, $& insert what matched'
                : 'Sent as UTF-8. Escapes: \\r \\n \\t \\0 \\xNN; macros such as {{counter}} {{crc16-modbus}}',
        )}
      </div>
      <div className="flex items-start gap-2">
        <FormField label="Delay (ms)" value={delay} onChange={setDelay} inputMode="numeric" error={errors.delayMs} className="w-24 shrink-0" />
        <FormField label="Name (optional)" value={name} onChange={setName} placeholder="Heartbeat" error={errors.name} className="flex-1" />
      </div>
      <FormActions error={saveError ?? undefined} busy={saving} onCancel={onCancel} submit="Save rule" />
    </form>
  );
}
