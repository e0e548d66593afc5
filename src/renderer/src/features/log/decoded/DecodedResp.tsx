import type { ReactNode } from 'react';
import { toVisibleText } from '@shared/codec';
import type { RespValue, RespView } from '@shared/decoders/resp';
import type { DrawBudget } from './drawBudget';
import { VisibleText } from '../VisibleText';

/** RESP values the way redis-cli prints them: "strings", (integer) 1, (error) …, numbered arrays; up to the budget. */
export function renderResp(view: RespView, budget: DrawBudget): ReactNode {
  return (
    <div className="break-all">
      {drawEach(view.values, budget, (value, i) => (
        <div key={i}>{renderValue(value, budget)}</div>
      ))}
      {view.stopped && <p className="font-sans text-[11px] text-muted">{view.stopped}</p>}
    </div>
  );
}

/** Draws items in order until the budget runs out (the rest is marked as left out). */
function drawEach<T>(items: T[], budget: DrawBudget, draw: (item: T, index: number) => ReactNode): ReactNode[] {
  const out: ReactNode[] = [];
  for (const [i, item] of items.entries()) {
    if (budget.exhausted) {
      budget.skip();
      break;
    }
    out.push(draw(item, i));
  }
  return out;
}

function renderBulk(value: Extract<RespValue, { type: 'bulk' }>, budget: DrawBudget): ReactNode {
  const text = toVisibleText(value.value).replace(/"/g, '\\"');
  const shown = budget.take(text);
  return (
    <div className="whitespace-pre-wrap">
      {value.format && <span className="text-muted">({value.format}) </span>}
      <span className="text-ok">
        "<VisibleText text={shown} />
        {shown.length < text.length ? '…' : '"'}
      </span>
    </div>
  );
}

function renderValue(value: RespValue, budget: DrawBudget): ReactNode {
  switch (value.type) {
    case 'simple':
      return budget.take(value.value);
    case 'error':
      return <span className="text-danger">(error) {budget.take(value.value)}</span>;
    case 'integer':
      return <Typed label="integer">{budget.take(value.value)}</Typed>;
    case 'double':
      return <Typed label="double">{budget.take(value.value)}</Typed>;
    case 'boolean':
      return <span className="text-muted">({String(value.value)})</span>;
    case 'null':
      return <span className="text-muted">(nil)</span>;
    case 'bulk':
      return renderBulk(value, budget);
    case 'inline':
      return (
        <>
          {budget.take(value.words.join(' '))} <span className="font-sans text-[11px] text-muted">inline command</span>
        </>
      );
    case 'aggregate':
      return renderMembers(
        value.items.map((item, i) => ({ label: `${i + 1})`, value: item })),
        `(empty ${value.of})`,
        value.partial,
        budget,
      );
    case 'map':
      return renderMembers(
        value.entries.flatMap(([key, item], i) => [
          { label: `${i + 1}#`, value: key },
          { label: '=>', value: item },
        ]),
        `(empty ${value.of})`,
        value.partial,
        budget,
      );
  }
}

function Typed({ label, children }: { label: string; children: ReactNode }) {
  return (
    <span>
      <span className="text-muted">({label})</span> <span className="text-accent">{children}</span>
    </span>
  );
}

/** An aggregate's elements, numbered, each nested under its number as redis-cli does. */
function renderMembers(rows: { label: string; value: RespValue }[], empty: string, partial: true | undefined, budget: DrawBudget): ReactNode {
  if (rows.length === 0 && !partial) return <div className="text-muted">{empty}</div>;
  return (
    <div>
      {drawEach(rows, budget, (row, i) => (
        <div key={i} className="flex gap-1.5">
          <span className="shrink-0 text-muted tabular-nums">{row.label}</span>
          <div className="min-w-0 flex-1">{renderValue(row.value, budget)}</div>
        </div>
      ))}
      {partial && <div className="text-muted">…</div>}
    </div>
  );
}
