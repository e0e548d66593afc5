import type { ReactNode } from 'react';
import { decodeJson } from '@shared/decoders/json';
import type { HttpMessage, HttpView } from '@shared/decoders/http';
import type { TextEncoding } from '@shared/payload';
import { formatExactBytes, plural } from '../../../ui/format';
import { renderJson } from './DecodedJson';
import type { DrawBudget } from './drawBudget';
import { PayloadText } from '../PayloadText';

/** HTTP messages: the start line, the headers as name and value, and the body (JSON pretty-printed); up to the budget. */
export function renderHttp(view: HttpView, textEncoding: TextEncoding, budget: DrawBudget): ReactNode {
  const messages: ReactNode[] = [];
  for (const [i, message] of view.messages.entries()) {
    if (budget.exhausted) {
      budget.skip();
      break;
    }
    messages.push(<div key={i}>{renderMessage(message, textEncoding, budget)}</div>);
  }
  return (
    <div className="space-y-1.5">
      {messages}
      {view.trailing !== undefined && (
        <p className="font-sans text-[11px] text-muted">Then {plural(view.trailing, 'byte')} that do not start another HTTP message</p>
      )}
    </div>
  );
}

function renderMessage(message: HttpMessage, textEncoding: TextEncoding, budget: DrawBudget): ReactNode {
  const contentType = message.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '';
  const json = /\bjson\b/i.test(contentType) && message.body.length > 0 ? decodeJson(message.body) : undefined;
  const startLine = budget.take(message.startLine);
  const headers = message.headers.map((header, i) => (
    <div key={i} className="break-all">
      <span className="text-muted">{budget.take(header.name)}:</span> <span className="text-fg">{budget.take(header.value)}</span>
    </div>
  ));
  let body: ReactNode = null;
  if (message.body.length > 0 && json && 'documents' in json) body = renderJson(json.documents, budget);
  else if (message.body.length > 0) {
    body = <PayloadText bytes={message.body.subarray(0, budget.takeCount(message.body.length))} textEncoding={textEncoding} />;
  }
  return (
    <>
      <div className="font-semibold break-all text-fg">{startLine}</div>
      {headers}
      {body !== null && <div className="mt-1 border-l-2 border-line pl-2">{body}</div>}
      <p className="mt-0.5 font-sans text-[11px] text-muted">
        {message.type === 'request' ? 'Request' : 'Response'}
        {message.body.length > 0 ? ` · body ${formatExactBytes(message.body.length)}, ${message.bodyFraming}` : ' · no body'}
        {message.incomplete && <span className="text-fg"> · {message.incomplete}</span>}
      </p>
    </>
  );
}
