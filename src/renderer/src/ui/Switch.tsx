interface SwitchProps {
  checked: boolean;
  onChange: (checked: boolean) => void;
  /** The accessible name, e.g. "Echo" or "Rule 1 enabled". */
  label: string;
  disabled?: boolean;
}

/** An on/off switch for something that takes effect at once (no Save): a rule, echo. */
export function Switch({ checked, onChange, label, disabled }: SwitchProps) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={() => onChange(!checked)}
      className={`relative inline-flex h-4 w-7 shrink-0 items-center rounded-full border transition-colors focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-accent disabled:opacity-50 ${
        checked ? 'border-accent bg-accent' : 'border-line-strong bg-chrome'
      }`}
    >
      <span
        aria-hidden="true"
        className={`absolute size-3 rounded-full shadow-sm transition-transform ${checked ? 'translate-x-[13px] bg-white' : 'translate-x-[1px] bg-zinc-400 dark:bg-zinc-500'}`}
      />
    </button>
  );
}
