import { memo } from 'react';
import { decodeJson } from '../../../shared/decoders/json';
import type { HttpMessage, HttpView } from '../../../shared/decoders/http';
import type { TextEncoding } from '../../../shared/payload';
import { formatExactBytes, plural } from '../state/format';
import { DecodedJson } from './DecodedJson';
import { PayloadText } from './PayloadText';

/** HTTP messages: the start line, the headers as name and value, and the body (JSON pretty-printed). */
export const DecodedHttp = memo(function DecodedHttp({ view, textEncoding }: { view: HttpView; textEncoding: TextEncoding }) {
  return (
    <div className="space-y-1.5">
      {view.messages.map((message, i) => (
        <Message key={i} message={message} textEncoding={textEncoding} />
      ))}
      {view.trailing !== undefined && (
        <p className="font-sans text-[11px] text-muted">Then {plural(view.trailing, 'byte')} that do not start another HTTP message</p>
      )}
    </div>
  );
});

function Message({ message, textEncoding }: { message: HttpMessage; textEncoding: TextEncoding }) {
  const contentType = message.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '';
  const json = /\bjson\b/i.test(contentType) && message.body.length > 0 ? decodeJson(message.body) : undefined;
  return (
    <div>
      <div className="font-semibold break-all text-fg">{message.startLine}</div>
      {message.headers.map((header, i) => (
        <div key={i} className="break-all">
          <span className="text-muted">{header.name}:</span> <span className="text-fg">{header.value}</span>
        </div>
      ))}
      {message.body.length > 0 && (
        <div className="mt-1 border-l-2 border-line pl-2">
          {json && 'documents' in json ? <DecodedJson documents={json.documents} /> : <PayloadText bytes={message.body} textEncoding={textEncoding} />}
        </div>
      )}
      <p className="mt-0.5 font-sans text-[11px] text-muted">
        {message.type === 'request' ? 'Request' : 'Response'}
        {message.body.length > 0 ? ` · body ${formatExactBytes(message.body.length)}, ${message.bodyFraming}` : ' · no body'}
        {message.incomplete && <span className="text-fg"> · {message.incomplete}</span>}
      </p>
    </div>
  );
}
