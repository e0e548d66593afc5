import type { ReactNode } from 'react';
import type { JsonNode } from '@shared/decoders/json';
import type { DrawBudget } from './drawBudget';

const INDENT = '  ';

/** JSON documents pretty-printed, keys, strings and numbers each in their own colour, up to the budget. */
export function renderJson(documents: JsonNode[], budget: DrawBudget): ReactNode {
  const out: ReactNode[] = [];
  for (const [i, document] of documents.entries()) {
    if (budget.exhausted) {
      budget.skip();
      break;
    }
    if (i > 0) out.push(budget.take('\n'));
    writeNode(document, 0, out, budget);
  }
  return <div className="break-all whitespace-pre-wrap text-fg">{out}</div>;
}

function writeNode(node: JsonNode, depth: number, out: ReactNode[], budget: DrawBudget): void {
  const key = out.length;
  switch (node.type) {
    case 'string':
      out.push(
        <span key={key} className="text-ok">
          {budget.take(JSON.stringify(node.value))}
        </span>,
      );
      return;
    case 'number':
      out.push(
        <span key={key} className="text-accent">
          {budget.take(node.text)}
        </span>,
      );
      return;
    case 'boolean':
    case 'null':
      out.push(
        <span key={key} className="text-muted">
          {budget.take(node.type === 'null' ? 'null' : String(node.value))}
        </span>,
      );
      return;
    case 'array':
      writeList('[', ']', node.items, depth, out, budget, (item) => writeNode(item, depth + 1, out, budget));
      return;
    case 'object':
      writeList('{', '}', node.entries, depth, out, budget, ([name, value]) => {
        out.push(
          <span key={out.length} className="font-medium">
            {budget.take(JSON.stringify(name))}
          </span>,
          budget.take(': '),
        );
        writeNode(value, depth + 1, out, budget);
      });
  }
}

function writeList<T>(
  open: string,
  close: string,
  items: T[],
  depth: number,
  out: ReactNode[],
  budget: DrawBudget,
  writeItem: (item: T) => void,
): void {
  if (items.length === 0) {
    out.push(budget.take(open + close));
    return;
  }
  out.push(budget.take(`${open}\n`));
  for (const [i, item] of items.entries()) {
    if (budget.exhausted) {
      budget.skip();
      return;
    }
    out.push(budget.take(INDENT.repeat(depth + 1)));
    writeItem(item);
    out.push(budget.take(i < items.length - 1 ? ',\n' : '\n'));
  }
  out.push(budget.take(INDENT.repeat(depth) + close));
}
