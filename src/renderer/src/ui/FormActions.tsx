/** The end of a small form in a popover or panel: why saving failed (announced), then Cancel and the submit button. */
export function FormActions({ error, busy, onCancel, submit }: { error?: string; busy: boolean; onCancel: () => void; submit: string }) {
  return (
    <>
      {error && (
        <p role="alert" className="text-[11px] leading-snug text-danger">
          {error}
        </p>
      )}
      <div className="flex justify-end gap-1.5 pt-1">
        <button type="button" onClick={onCancel} className="h-6 rounded border border-line-strong bg-canvas px-2.5 text-xs text-fg hover:bg-hover">
          Cancel
        </button>
        <button
          type="submit"
          disabled={busy}
          className="h-6 rounded bg-zinc-800 px-3 text-xs font-medium text-white hover:bg-zinc-700 disabled:opacity-60 dark:bg-zinc-200 dark:text-zinc-900 dark:hover:bg-white"
        >
          {submit}
        </button>
      </div>
    </>
  );
}
