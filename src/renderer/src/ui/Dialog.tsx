import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { AlertIcon } from './Icons';

/** Dims the window behind a modal dialog; a click on the dimmed part (not in the dialog) dismisses it, unless `busy`. */
export function DialogBackdrop({ onDismiss, busy, children }: { onDismiss: () => void; busy: boolean; children: ReactNode }) {
  return (
    <div
      className="fixed inset-0 z-50 flex items-start justify-center bg-black/25 pt-[12vh] dark:bg-black/50"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget && !busy) onDismiss();
      }}
    >
      {children}
    </div>
  );
}

/** The dialog's title and the sentence under it; their ids name and describe the dialog. */
export function DialogHeader({
  titleId,
  title,
  descriptionId,
  description,
}: {
  titleId: string;
  title: string;
  descriptionId?: string;
  description: ReactNode;
}) {
  return (
    <div className="px-4 pt-3.5 pb-3">
      <h2 id={titleId} className="text-[14px] font-semibold text-fg">
        {title}
      </h2>
      <p id={descriptionId} className="mt-0.5 text-xs text-muted">
        {description}
      </p>
    </div>
  );
}

/** Why the dialog's action failed, in the dialog, announced. */
export function DialogFailure({ message }: { message: string }) {
  return (
    <div role="alert" className="flex items-start gap-2 rounded border border-danger/40 bg-danger/8 px-2.5 py-2 text-xs text-danger">
      <AlertIcon className="mt-px size-3.5 shrink-0" />
      <span className="select-text">{message}</span>
    </div>
  );
}

/** The dialog's button row: what is going on at the left, then Cancel and the dialog's own buttons. */
export function DialogFooter({ status, onCancel, children }: { status?: ReactNode; onCancel: () => void; children: ReactNode }) {
  return (
    <div className="flex items-center justify-end gap-2 border-t border-line bg-chrome px-4 py-2.5">
      {status !== undefined && (
        <p aria-live="polite" className="mr-auto truncate text-xs text-muted">
          {status}
        </p>
      )}
      <button type="button" onClick={onCancel} className="h-7 rounded border border-line-strong bg-canvas px-3 text-xs text-fg hover:bg-hover">
        Cancel
      </button>
      {children}
    </div>
  );
}

/** The submit button of a dialog's footer; while `busy` it spins and is only marked disabled (it keeps focus). */
export function DialogSubmit({ busy, children }: { busy: boolean; children: ReactNode }) {
  return (
    <button
      type="submit"
      aria-disabled={busy || undefined}
      className="inline-flex h-7 min-w-[72px] items-center justify-center gap-1.5 rounded bg-zinc-800 px-3 text-xs font-medium text-white hover:bg-zinc-700 aria-disabled:opacity-70 dark:bg-zinc-200 dark:text-zinc-900 dark:hover:bg-white"
    >
      {busy && <span aria-hidden="true" className="size-3 animate-spin rounded-full border-[1.5px] border-current border-t-transparent" />}
      {children}
    </button>
  );
}

/**
 * The modal dialog's box, named and described by its header's ids: Escape dismisses it, Tab and
 * Shift+Tab stay inside. `width` is its Tailwind width class.
 */
export function DialogPanel({
  titleId,
  descriptionId,
  onDismiss,
  width,
  children,
}: {
  titleId: string;
  descriptionId: string;
  onDismiss: () => void;
  width: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onDismiss();
      return;
    }
    if (event.key === 'Tab') trapFocus(event, ref.current);
  };
  return (
    <div
      ref={ref}
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      onKeyDown={onKeyDown}
      className={`${width} max-w-[calc(100vw-2rem)] overflow-hidden rounded-lg border border-line-strong bg-panel shadow-2xl shadow-black/20`}
    >
      {children}
    </div>
  );
}

/** Keeps Tab and Shift+Tab inside the dialog. */
function trapFocus(event: KeyboardEvent, container: HTMLElement | null): void {
  if (!container) return;
  const focusable = [
    ...container.querySelectorAll<HTMLElement>(
      'button:not([disabled]), input:not([disabled]), textarea:not([disabled]), select:not([disabled]), [tabindex="0"]',
    ),
  ].filter((element) => element.tabIndex >= 0);
  if (focusable.length === 0) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}
