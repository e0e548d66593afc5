import { memo } from 'react';
import { type TextEncoding, visibleText } from '@shared/payload';
import { VisibleText } from './VisibleText';

/** A payload as text with its control bytes made visible, wrapping; the log's Text view. */
export const PayloadText = memo(function PayloadText({ bytes, textEncoding }: { bytes: Uint8Array; textEncoding: TextEncoding }) {
  return (
    <div className="break-all whitespace-pre-wrap text-fg">
      <VisibleText text={trimFinalBreak(visibleText(bytes, textEncoding, { lineBreaks: true }))} />
    </div>
  );
});

/** `lineBreaks` puts a real break after each `\n`; the last one would only add an empty line. */
function trimFinalBreak(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
