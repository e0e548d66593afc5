import type { ReactNode } from 'react';
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
