import { memo, type ReactNode } from 'react';

// The escapes toVisibleText writes: \r \n \t \0 \\, \xNN and \u{…}. A run of them is one span:
// binary payloads are mostly escapes, and a span each made thousands of nodes per row.
const ESCAPE = /(?:\\(?:x[0-9a-f]{2}|u\{[0-9a-f]{1,6}\}|[rnt0\\]))+/g;

/** Text as toVisibleText made it, with the escapes for control and invalid bytes drawn dimmer. */
export const VisibleText = memo(function VisibleText({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(ESCAPE)) {
    const index = match.index;
    if (index > last) parts.push(text.slice(last, index));
    parts.push(
      <span key={index} className="text-faint">
        {match[0]}
      </span>,
    );
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
});
