import { useId, useState, type ClipboardEvent, type DragEvent, type Ref } from 'react';
import { refuseLongInsert, takesAtMost } from './pasteGuard';

/** More than any address, port or PEM bundle: a paste past it is a mistake (see pasteGuard.ts). */
const FIELD_CHARS = 1024 * 1024;

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
  /** A few lines of monospace text (PEM certificates and keys) instead of one line. */
  multiline?: boolean;
}

/** A labelled single-line input with its hint or validation message beneath. */
export function FormField({
  label,
  value,
  onChange,
  onBlur,
  error,
  hint,
  placeholder,
  inputMode,
  disabled,
  inputRef,
  className,
  multiline,
}: FormFieldProps) {
  const id = useId();
  const noteId = `${id}-note`;
  const [refused, setRefused] = useState<string | null>(null);
  const shownError = refused ?? error;
  const note = shownError ?? hint;
  const guardInsert = (event: ClipboardEvent<HTMLInputElement | HTMLTextAreaElement> | DragEvent<HTMLInputElement | HTMLTextAreaElement>): void =>
    setRefused(refuseLongInsert(event, FIELD_CHARS, takesAtMost('this field', FIELD_CHARS)));
  const border = shownError ? 'border-danger' : 'border-line-strong';
  const shared = {
    id,
    value,
    placeholder,
    disabled,
    spellCheck: false,
    autoComplete: 'off',
    onBlur,
    'aria-invalid': shownError ? true : undefined,
    onPaste: guardInsert,
    onDrop: guardInsert,
    'aria-describedby': note ? noteId : undefined,
  } as const;
  return (
    <div className={`flex min-w-0 flex-col gap-1 ${className ?? ''}`}>
      <label htmlFor={id} className="text-xs font-medium text-muted">
        {label}
      </label>
      {multiline ? (
        <textarea
          {...shared}
          rows={3}
          onChange={(event) => {
            setRefused(null);
            onChange(event.target.value);
          }}
          className={`w-full resize-y rounded border bg-canvas px-2 py-1 font-mono text-[11px] leading-4 text-fg placeholder:font-sans placeholder:text-faint focus:outline-2 focus:-outline-offset-1 focus:outline-accent disabled:opacity-60 ${border}`}
        />
      ) : (
        <input
          {...shared}
          ref={inputRef}
          onChange={(event) => {
            setRefused(null);
            onChange(event.target.value);
          }}
          inputMode={inputMode}
          autoCapitalize="off"
          className={`h-7 w-full rounded border bg-canvas px-2 font-mono text-xs text-fg placeholder:font-sans placeholder:text-faint focus:outline-2 focus:-outline-offset-1 focus:outline-accent disabled:opacity-60 ${border}`}
        />
      )}
      {note && (
        <p id={noteId} className={`text-[11px] leading-snug ${shownError ? 'text-danger' : 'text-muted'}`}>
          {note}
        </p>
      )}
    </div>
  );
}

export type FieldOptions = Omit<FormFieldProps, 'label' | 'value' | 'onChange'>;
type TextKey<V> = { [K in keyof V]: V[K] extends string ? K : never }[keyof V];

/**
 * FormFields for the text fields of one values object: `field('host', 'Host', { hint })` shows
 * values.host and patches it, with the options every field shares (`shared`, e.g. disabled).
 */
export function boundFields<V>(values: V, onChange: (patch: Partial<V>) => void, shared: FieldOptions = {}) {
  return (key: TextKey<V>, label: string, options: FieldOptions = {}) => (
    <FormField {...shared} {...options} label={label} value={values[key] as string} onChange={(value) => onChange({ [key]: value } as Partial<V>)} />
  );
}
