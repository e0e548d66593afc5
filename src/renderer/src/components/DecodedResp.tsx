import { memo, type ReactNode } from 'react';
import { toVisibleText } from '../../../shared/codec';
import type { RespValue, RespView } from '../../../shared/decoders/resp';
import { VisibleText } from './VisibleText';

/** RESP values the way redis-cli prints them: "strings", (integer) 1, (error) …, numbered arrays. */
export const DecodedResp = memo(function DecodedResp({ view }: { view: RespView }) {
  return (
    <div className="break-all">
      {view.values.map((value, i) => (
        <Value key={i} value={value} />
      ))}
      {view.stopped && <p className="font-sans text-[11px] text-muted">{view.stopped}</p>}
    </div>
  );
});

function Value({ value }: { value: RespValue }): ReactNode {
  switch (value.type) {
    case 'simple':
      return <div>{value.value}</div>;
    case 'error':
      return <div className="text-danger">(error) {value.value}</div>;
    case 'integer':
      return <Typed label="integer">{value.value}</Typed>;
    case 'double':
      return <Typed label="double">{value.value}</Typed>;
    case 'boolean':
      return <div className="text-muted">({String(value.value)})</div>;
    case 'null':
      return <div className="text-muted">(nil)</div>;
    case 'bulk':
      return (
        <div className="whitespace-pre-wrap">
          {value.format && <span className="text-muted">({value.format}) </span>}
          <span className="text-ok">
            "<VisibleText text={toVisibleText(value.value).replace(/"/g, '\\"')} />"
          </span>
        </div>
      );
    case 'inline':
      return (
        <div>
          {value.words.join(' ')} <span className="font-sans text-[11px] text-muted">inline command</span>
        </div>
      );
    case 'aggregate':
      return (
        <Members
          empty={`(empty ${value.of})`}
          partial={value.partial}
          rows={value.items.map((item, i) => ({ label: `${i + 1})`, value: item }))}
        />
      );
    case 'map':
      return (
        <Members
          empty={`(empty ${value.of})`}
          partial={value.partial}
          rows={value.entries.flatMap(([key, item], i) => [
            { label: `${i + 1}#`, value: key },
            { label: '=>', value: item },
          ])}
        />
      );
  }
}

function Typed({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <span className="text-muted">({label})</span> <span className="text-accent">{children}</span>
    </div>
  );
}

/** An aggregate's elements, numbered, each nested under its number as redis-cli does. */
function Members({ rows, empty, partial }: { rows: { label: string; value: RespValue }[]; empty: string; partial?: true }) {
  if (rows.length === 0 && !partial) return <div className="text-muted">{empty}</div>;
  return (
    <div>
      {rows.map((row, i) => (
        <div key={i} className="flex gap-1.5">
          <span className="shrink-0 text-muted tabular-nums">{row.label}</span>
          <div className="min-w-0 flex-1">
            <Value value={row.value} />
          </div>
        </div>
      ))}
      {partial && <div className="text-muted">…</div>}
    </div>
  );
}
