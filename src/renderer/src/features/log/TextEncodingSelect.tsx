import type { TextEncoding } from '@shared/payload';
import { setPreference, usePreferences } from '../shell/preferences';

/** How the log's text views read bytes: UTF-8, or Latin-1 for legacy protocols (one byte, one character). */
export function TextEncodingSelect() {
  const encoding = usePreferences((state) => state.textEncoding);
  const view = usePreferences((state) => state.logView);
  return (
    <select
      aria-label="Text encoding"
      value={encoding}
      disabled={view === 'hex'}
      title={view === 'hex' ? 'The hex view shows bytes; the encoding applies to the text views' : 'How payload bytes are read as text'}
      onChange={(event) => setPreference('textEncoding', event.target.value as TextEncoding)}
      className="h-6 rounded border border-line-strong bg-canvas px-1 text-xs text-fg disabled:opacity-50"
    >
      <option value="utf-8">UTF-8</option>
      <option value="latin1">Latin-1</option>
    </select>
  );
}
