import { Suspense, useId, useState } from 'react';
import type { AutoReplyRuleInput, AutoReplyRuleState } from '@shared/auto-reply';
import type { SocketInfo } from '@shared/contract';
import { MESSAGE_UNITS, messageUnitOf } from '@shared/auto-reply-units';
import type { FramingSpec } from '@shared/framing';
import { describeFraming, EACH_READ } from '@shared/framing-names';
import { changeAutoReply, emptyAutoReply, matchLabel, newRuleId, setAutoReplyPanelOpen, takesAutoReplies, useAutoReplyPanel } from './autoReply';
import { plural } from '../../ui/format';
import { PencilIcon, PlusIcon, TrashIcon } from '../../ui/Icons';
import { SidePanel } from '../../ui/SidePanel';
import { LazyRuleEditor } from '../shell/lazyParts';
import { Switch } from '../../ui/Switch';
import { IconButton } from '../../ui/IconButton';

/** Which rule the editor is open on: a new one, or one of the list by id. */
type Editing = { rule: AutoReplyRuleInput; isNew: boolean } | null;

/**
 * Beside the log of a listener or UDP socket: its auto-reply rules, echo, and how often each has
 * answered. Switches take effect at once; a rule's text is saved with its form.
 */
export function AutoReplyPanel({ socket }: { socket: SocketInfo }) {
  const open = useAutoReplyPanel((state) => state.open);
  const [editing, setEditing] = useState<Editing>(null);
  const [error, setError] = useState<string | null>(null);
  if (!open || !takesAutoReplies(socket)) return null;

  const state = socket.autoReply ?? emptyAutoReply;
  const isUdp = socket.kind === 'udp';

  const apply = async (change: Parameters<typeof changeAutoReply>[1]): Promise<string | null> => {
    const result = await changeAutoReply(socket, change);
    const message = result.ok ? null : result.error.message;
    setError(message);
    return message;
  };

  const save = async (rule: AutoReplyRuleInput): Promise<string | null> => {
    const failure = await apply(({ rules, ...rest }) => ({
      ...rest,
      rules: rules.some((r) => r.id === rule.id) ? rules.map((r) => (r.id === rule.id ? rule : r)) : [...rules, rule],
    }));
    if (failure === null) setEditing(null);
    return failure;
  };

  const startNew = (): void =>
    setEditing({ rule: { id: newRuleId(), match: 'contains', pattern: '', reply: '', replyFormat: 'text', delayMs: 0, enabled: true }, isNew: true });

  return (
    <SidePanel
      title="Auto-reply"
      subtitle={isUdp ? 'to each datagram’s sender' : 'on every accepted connection'}
      width="w-[340px]"
      onClose={() => setAutoReplyPanelOpen(false)}
    >
      <p className="text-[11px] leading-snug text-muted">
        Each message received is checked against the rules in order; the first enabled rule that matches sends its reply.
      </p>
      <MessageUnitSelect framing={state.framing} isUdp={isUdp} onChange={(framing) => void apply((current) => ({ ...current, framing }))} />

      <div className="mt-2.5 flex items-center gap-2 rounded-md border border-line bg-canvas px-2.5 py-2">
        <Switch checked={state.echo} label="Echo" onChange={(echo) => void apply((current) => ({ ...current, echo }))} />
        <div className="min-w-0 flex-1">
          <div className="text-xs font-medium text-fg">Echo</div>
          <div className="text-[11px] text-muted">Send back every message no rule answers</div>
        </div>
        <HitCount hits={state.echoHits} />
      </div>

      <div className="mt-3 mb-1.5 flex items-center justify-between">
        <h3 className="text-[11px] font-semibold tracking-wide text-muted uppercase">Rules</h3>
        {editing === null && (
          <button
            type="button"
            onClick={startNew}
            className="inline-flex h-6 items-center gap-1 rounded border border-line-strong bg-canvas px-1.5 text-xs text-fg hover:bg-hover"
          >
            <PlusIcon className="size-3.5 text-muted" />
            Add rule
          </button>
        )}
      </div>

      {state.rules.length === 0 && editing === null && (
        <p className="rounded-md border border-dashed border-line-strong px-3 py-4 text-center text-xs text-muted">
          No rules yet. Add one to answer messages that match, e.g. PING with PONG.
        </p>
      )}

      <ol aria-label="Rules" className="flex flex-col gap-1.5">
        {state.rules.map((rule, index) =>
          editing?.rule.id === rule.id ? (
            <li key={rule.id}>
              <Suspense fallback={null}>
                <LazyRuleEditor rule={editing.rule} isNew={false} onSave={save} onCancel={() => setEditing(null)} />
              </Suspense>
            </li>
          ) : (
            <RuleRow
              key={rule.id}
              rule={rule}
              number={index + 1}
              onToggle={(enabled) =>
                void apply((current) => ({ ...current, rules: current.rules.map((r) => (r.id === rule.id ? { ...r, enabled } : r)) }))
              }
              onEdit={() => setEditing({ rule, isNew: false })}
              onRemove={() => void apply((current) => ({ ...current, rules: current.rules.filter((r) => r.id !== rule.id) }))}
            />
          ),
        )}
      </ol>
      {editing?.isNew && (
        <div className="mt-1.5">
          <Suspense fallback={null}>
            <LazyRuleEditor rule={editing.rule} isNew onSave={save} onCancel={() => setEditing(null)} />
          </Suspense>
        </div>
      )}
      {error && editing === null && (
        <p role="alert" className="mt-2 text-[11px] leading-snug text-danger">
          {error}
        </p>
      )}
    </SidePanel>
  );
}

interface RuleRowProps {
  rule: AutoReplyRuleState;
  number: number;
  onToggle: (enabled: boolean) => void;
  onEdit: () => void;
  onRemove: () => void;
}

function RuleRow({ rule, number, onToggle, onEdit, onRemove }: RuleRowProps) {
  const title = rule.name ?? `Rule ${number}`;
  const pattern = rule.match === 'regex' ? `/${rule.pattern}/` : rule.pattern;
  return (
    <li
      aria-label={`${title}: ${matchLabel[rule.match]} ${pattern}`}
      className={`group rounded-md border border-line bg-canvas px-2.5 py-2 ${rule.enabled ? '' : 'opacity-60'}`}
    >
      <div className="flex items-center gap-2">
        <Switch checked={rule.enabled} label={`${title} enabled`} onChange={onToggle} />
        <span className="min-w-0 flex-1 truncate text-xs font-medium text-fg" title={title}>
          {title}
        </span>
        <HitCount hits={rule.hits} />
        <IconButton label={`Edit ${title}`} title="Edit" onClick={onEdit}>
          <PencilIcon className="size-3.5" />
        </IconButton>
        <IconButton label={`Remove ${title}`} title="Remove" onClick={onRemove} destructive>
          <TrashIcon className="size-3.5" />
        </IconButton>
      </div>
      <dl className="mt-1.5 grid grid-cols-[auto_minmax(0,1fr)] gap-x-2 gap-y-0.5 text-xs">
        <dt className="text-muted">{matchLabel[rule.match]}</dt>
        <dd className="truncate font-mono text-rx" title={pattern}>
          {pattern}
        </dd>
        <dt className="text-muted">reply</dt>
        <dd className="truncate font-mono text-tx" title={rule.reply}>
          {rule.reply === '' ? <span className="font-sans text-faint">nothing</span> : rule.reply}
          {rule.replyFormat === 'hex' && <span className="ml-1.5 font-sans text-[11px] text-faint">hex</span>}
        </dd>
        {rule.delayMs > 0 && (
          <>
            <dt className="text-muted">after</dt>
            <dd className="tabular-nums text-fg">{rule.delayMs} ms</dd>
          </>
        )}
      </dl>
    </li>
  );
}

function HitCount({ hits }: { hits: number }) {
  return <span className={`shrink-0 text-[11px] tabular-nums ${hits > 0 ? 'font-medium text-fg' : 'text-faint'}`}>{plural(hits, 'hit')}</span>;
}

/**
 * What one message is: TCP keeps no boundaries, so by default each read is matched as it arrives;
 * a framing makes each line (or HTTP message, …) one message however the reads cut it.
 */
function MessageUnitSelect({
  framing,
  isUdp,
  onChange,
}: {
  framing: FramingSpec | undefined;
  isUdp: boolean;
  onChange: (framing: FramingSpec) => void;
}) {
  const id = useId();
  const unit = messageUnitOf(framing);
  return (
    <div className="mt-2 flex items-center gap-2">
      <label
        htmlFor={id}
        className="shrink-0 text-xs text-muted"
        title="What one message is, for the rules and echo. A read is whatever the system had received, up to 256 KiB: a peer's writes may come joined or cut"
      >
        Messages
      </label>
      <select
        id={id}
        value={unit?.id ?? 'custom'}
        onChange={(event) => {
          const chosen = MESSAGE_UNITS.find((candidate) => candidate.id === event.target.value);
          if (chosen) onChange(chosen.framing);
        }}
        className="h-6 min-w-0 flex-1 rounded border border-line-strong bg-canvas px-1 text-xs text-fg"
      >
        {MESSAGE_UNITS.map((candidate) => (
          <option key={candidate.id} value={candidate.id}>
            {candidate.id === 'chunk' ? (isUdp ? 'Each datagram' : `${EACH_READ}, as it arrives`) : candidate.label}
          </option>
        ))}
        {!unit && framing && <option value="custom">Each frame: {describeFraming(framing)}</option>}
      </select>
      {framing?.mode === 'delimiter' && (
        <span className="shrink-0 text-[11px] text-muted" title="A rule for PING matches PING\n exactly, or contains PING">
          delimiter included
        </span>
      )}
    </div>
  );
}
