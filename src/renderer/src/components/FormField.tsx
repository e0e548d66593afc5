import { useId, type Ref } from 'react';

interface FormFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  /** Shown in red under the field and announced with it. */
  error?: string;
  hint?: string;
  placeholder?: string;
  inputMode?: 'text' | 'numeric';
  disabled?: boolean;
  inputRef?: Ref<HTMLInputElement>;
  className?: string;
}

/** A labelled single-line input with its hint or validation message beneath. */
export function FormField({ label, value, onChange, onBlur, error, hint, placeholder, inputMode, disabled, inputRef, className }: FormFieldProps) {
  const id = useId();
  const noteId = `${id}-note`;
  const note = error ?? hint;
  return (
    <div className={`flex min-w-0 flex-col gap-1 ${className ?? ''}`}>
      <label htmlFor={id} className="text-xs font-medium text-muted">
        {label}
      </label>
      <input
        id={id}
        ref={inputRef}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onBlur={onBlur}
        placeholder={placeholder}
        inputMode={inputMode}
        disabled={disabled}
        spellCheck={false}
        autoComplete="off"
        autoCapitalize="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={note ? noteId : undefined}
        className={`h-7 w-full rounded border bg-canvas px-2 font-mono text-xs text-fg placeholder:font-sans placeholder:text-faint focus:outline-2 focus:-outline-offset-1 focus:outline-accent disabled:opacity-60 ${
          error ? 'border-danger' : 'border-line-strong'
        }`}
      />
      {note && (
        <p id={noteId} className={`text-[11px] leading-snug ${error ? 'text-danger' : 'text-muted'}`}>
          {note}
        </p>
      )}
    </div>
  );
}
