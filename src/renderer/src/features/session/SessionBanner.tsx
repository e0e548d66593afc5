import type { ReactNode } from 'react';
import type { SessionSummary } from '@shared/session';
import { plural } from '../../ui/format';
import { discardSession, dismissRestoreOutcome, dismissSessionElsewhere, restoreSession, useSession } from './session';
import { AlertIcon, InfoIcon } from '../../ui/Icons';

let when: Intl.DateTimeFormat | undefined;
/** `Dec 5, 2026, 10:03 PM` in the user's locale; the formatter is made on first use, not at start-up (it loads locale data). */
function formatSavedAt(time: number): string {
  when ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return when.format(time);
}

/**
 * Under the toolbar on start: the offer to restore the last workspace, what a restore could not
 * bring back, or why the saved workspace could not be used (and where the file was kept).
 */
export function SessionBanner() {
  const status = useSession((state) => state.status);
  const busy = useSession((state) => state.busy);
  const outcome = useSession((state) => state.outcome);
  const error = useSession((state) => state.error);

  if (status?.state === 'offered') {
    return (
      <section aria-label="Restore workspace" className="flex shrink-0 items-center gap-3 border-b border-accent/25 bg-accent/6 px-3 py-1.5 text-xs">
        <InfoIcon className="size-4 shrink-0 text-accent" />
        <p className="min-w-0 flex-1 text-fg">
          {busy === 'restore' ? (
            'Restoring your last workspace…'
          ) : (
            <>
              <span className="font-medium">Restore your last workspace?</span>{' '}
              <span className="text-muted">
                {describe(status.summary)} · saved {formatSavedAt(status.summary.savedAt)}
              </span>
            </>
          )}
          {error && <span className="ml-2 text-danger">{error.message}</span>}
        </p>
        <button
          type="button"
          disabled={busy !== null}
          onClick={() => void restoreSession()}
          className="h-6 shrink-0 rounded bg-zinc-800 px-3 font-medium text-white hover:bg-zinc-700 disabled:opacity-60 dark:bg-zinc-200 dark:text-zinc-900 dark:hover:bg-white"
        >
          Restore
        </button>
        <button
          type="button"
          disabled={busy !== null}
          onClick={() => void discardSession()}
          className="h-6 shrink-0 rounded border border-line-strong bg-canvas px-3 text-fg hover:bg-chrome disabled:opacity-60"
        >
          Start clean
        </button>
      </section>
    );
  }

  if (status?.state === 'problem') {
    return (
      <Notice onDismiss={() => void discardSession()}>
        <span className="font-medium">Your last workspace could not be restored.</span> {status.message}. The file was kept as{' '}
        <span className="font-mono select-text">{status.keptAs}</span>; Sockscope started with a clean workspace.
      </Notice>
    );
  }

  if (status?.state === 'elsewhere') {
    return (
      <Notice onDismiss={dismissSessionElsewhere}>
        <span className="font-medium">What you open here is not saved.</span> Another Sockscope (process{' '}
        <span className="font-mono">{status.pid}</span>) is running and keeps the workspace; quit it first to keep this one&apos;s next time.
      </Notice>
    );
  }

  if (outcome) {
    return (
      <Notice onDismiss={dismissRestoreOutcome}>
        <span className="font-medium">
          Restored {plural(outcome.restored, 'socket')}; {plural(outcome.problems.length, 'thing')} could not be brought back:
        </span>
        <ul className="mt-0.5 list-disc pl-4">
          {outcome.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      </Notice>
    );
  }
  return null;
}

function Notice({ children, onDismiss }: { children: ReactNode; onDismiss: () => void }) {
  return (
    <div role="alert" className="flex shrink-0 items-start gap-3 border-b border-danger/30 bg-danger/6 px-3 py-1.5 text-xs text-fg">
      <AlertIcon className="mt-px size-4 shrink-0 text-danger" />
      <div className="min-w-0 flex-1">{children}</div>
      <button type="button" onClick={onDismiss} className="h-6 shrink-0 rounded border border-line-strong bg-canvas px-3 text-fg hover:bg-chrome">
        Dismiss
      </button>
    </div>
  );
}

/** "2 listeners, 1 UDP socket, 5 saved messages" */
function describe(summary: SessionSummary): string {
  const parts = [
    summary.listeners > 0 ? plural(summary.listeners, 'listener') : undefined,
    summary.udpSockets > 0 ? plural(summary.udpSockets, 'UDP socket') : undefined,
    summary.clients > 0 ? plural(summary.clients, 'connection') : undefined,
    ...summary.extras,
  ];
  return parts.filter((part) => part !== undefined).join(', ');
}
