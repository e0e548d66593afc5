import type { SocketInfo } from '@shared/contract';
import { setAutoReplyPanelOpen, takesAutoReplies, useAutoReplyPanel } from '../rules/autoReply';
import { plural } from '../../ui/format';
import { ExportMenu } from '../export/ExportMenu';
import { AutoReplyIcon } from '../../ui/Icons';
import { SequencesToggle } from '../sequences/SequencesToggle';

/** In the socket header: the auto-reply panel's switch (listeners, UDP) and this log's export. */
export function SocketLogTools({ socket }: { socket: SocketInfo }) {
  const listener = socket.kind === 'tcp-listener';
  return (
    <>
      {takesAutoReplies(socket) && <AutoReplyToggle socket={socket} />}
      <SequencesToggle socket={socket} />
      <ExportMenu
        ids={[socket.id]}
        label="Export"
        menuLabel={listener ? 'Export this listener’s logs as' : 'Export this log as'}
        title={listener ? 'Save this listener’s log and its connections’ logs' : 'Save this socket’s log'}
        compact
      />
      <span aria-hidden="true" className="mx-1 h-4 w-px bg-line-strong" />
    </>
  );
}

function AutoReplyToggle({ socket }: { socket: SocketInfo }) {
  const open = useAutoReplyPanel((state) => state.open);
  const rules = socket.autoReply?.rules.filter((rule) => rule.enabled).length ?? 0;
  const echo = socket.autoReply?.echo ?? false;
  const summary = [rules > 0 ? plural(rules, 'rule') : '', echo ? 'echo' : ''].filter(Boolean).join(' + ');
  return (
    <button
      type="button"
      // A stable name (tests and screen readers find it), the summary as its description.
      aria-label="Auto-reply"
      aria-description={summary ? `On: ${summary}` : undefined}
      aria-pressed={open}
      title={summary ? `Auto-reply is on: ${summary}` : 'Answer matching messages automatically'}
      onClick={() => setAutoReplyPanelOpen(!open)}
      className={`inline-flex h-6 items-center gap-1.5 rounded border px-1.5 text-xs text-fg hover:bg-hover ${
        open ? 'border-accent/60 bg-selected' : 'border-line-strong bg-canvas'
      }`}
    >
      <AutoReplyIcon className={`size-3.5 ${summary ? 'text-accent' : 'text-muted'}`} />
      Auto-reply
      {summary && <span className="rounded-sm bg-accent/15 px-1 text-[11px] leading-4 text-accent">{summary}</span>}
    </button>
  );
}
