import { memo, type ReactNode } from 'react';
import type { JsonNode } from '../../../shared/decoders/json';

const INDENT = '  ';

/** JSON documents pretty-printed, keys, strings and numbers each in their own colour. */
export const DecodedJson = memo(function DecodedJson({ documents }: { documents: JsonNode[] }) {
  const out: ReactNode[] = [];
  documents.forEach((document, i) => {
    if (i > 0) out.push('\n');
    writeNode(document, 0, out);
  });
  return <div className="break-all whitespace-pre-wrap text-fg">{out}</div>;
});

function writeNode(node: JsonNode, depth: number, out: ReactNode[]): void {
  const key = out.length;
  switch (node.type) {
    case 'string':
      out.push(
        <span key={key} className="text-ok">
          {JSON.stringify(node.value)}
        </span>,
      );
      return;
    case 'number':
      out.push(
        <span key={key} className="text-accent">
          {node.text}
        </span>,
      );
      return;
    case 'boolean':
    case 'null':
      out.push(
        <span key={key} className="text-muted">
          {node.type === 'null' ? 'null' : String(node.value)}
        </span>,
      );
      return;
    case 'array':
      writeList('[', ']', node.items, depth, out, (item) => writeNode(item, depth + 1, out));
      return;
    case 'object':
      writeList('{', '}', node.entries, depth, out, ([name, value]) => {
        out.push(
          <span key={out.length} className="font-medium">
            {JSON.stringify(name)}
          </span>,
          ': ',
        );
        writeNode(value, depth + 1, out);
      });
  }
}

function writeList<T>(open: string, close: string, items: T[], depth: number, out: ReactNode[], writeItem: (item: T) => void): void {
  if (items.length === 0) {
    out.push(open + close);
    return;
  }
  out.push(`${open}\n`);
  items.forEach((item, i) => {
    out.push(INDENT.repeat(depth + 1));
    writeItem(item);
    out.push(i < items.length - 1 ? ',\n' : '\n');
  });
  out.push(INDENT.repeat(depth) + close);
}
