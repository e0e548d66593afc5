import { useRef, type KeyboardEvent, type ReactNode } from 'react';

interface Option<T extends string> {
  value: T;
  label: string;
  /** Drawn before the label (a coloured arrow…), hidden from screen readers: the label says it all. */
  mark?: ReactNode;
  /** A longer description, as a tooltip. */
  title?: string;
}

interface SegmentedControlProps<T extends string> {
  /** The radiogroup's accessible name, e.g. "Log view". */
  label: string;
  options: readonly Option<T>[];
  value: T;
  onChange: (value: T) => void;
  disabled?: boolean;
}

/** A compact radio group drawn as joined buttons; arrow keys move the choice, as for native radios. */
export function SegmentedControl<T extends string>({ label, options, value, onChange, disabled }: SegmentedControlProps<T>) {
  const groupRef = useRef<HTMLDivElement>(null);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const step = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const index = options.findIndex((option) => option.value === value);
    const next = options[(index + step + options.length) % options.length];
    onChange(next.value);
    groupRef.current?.querySelector<HTMLButtonElement>(`[data-value="${next.value}"]`)?.focus();
  };

  return (
    <div
      ref={groupRef}
      role="radiogroup"
      aria-label={label}
      aria-disabled={disabled || undefined}
      onKeyDown={onKeyDown}
      className="inline-flex h-6 shrink-0 items-stretch rounded border border-line-strong bg-canvas p-px"
    >
      {options.map((option) => {
        const checked = option.value === value;
        return (
          <button
            key={option.value}
            type="button"
            role="radio"
            aria-checked={checked}
            data-value={option.value}
            tabIndex={checked ? 0 : -1}
            disabled={disabled}
            title={option.title}
            onClick={() => onChange(option.value)}
            className={`rounded-[3px] px-2 text-xs leading-none transition-colors disabled:opacity-50 ${
              checked ? 'bg-chrome font-medium text-fg shadow-[inset_0_0_0_1px_var(--sockscope-line-strong)]' : 'text-muted hover:text-fg'
            }`}
          >
            {option.mark && <span aria-hidden="true">{option.mark} </span>}
            {option.label}
          </button>
        );
      })}
    </div>
  );
}

/** A SegmentedControl in a form, its label shown as a field's: beside it (`inline`) or above it (`stacked`). */
export function SegmentedField<T extends string>({ layout = 'inline', ...props }: SegmentedControlProps<T> & { layout?: 'inline' | 'stacked' }) {
  return (
    <div className={layout === 'inline' ? 'flex items-center gap-2' : 'flex flex-col gap-1 pt-0.5'}>
      <span className="text-xs font-medium text-muted">{props.label}</span>
      <SegmentedControl {...props} />
    </div>
  );
}
