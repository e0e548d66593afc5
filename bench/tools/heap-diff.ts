/**
 * What grew between two heap snapshots, by node type and constructor name: count and bytes,
 * largest first, divided by `--per` (say, the number of connections opened in between).
 *
 *   npx tsx bench/tools/heap-diff.ts before.heapsnapshot after.heapsnapshot --per 5000
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: (string[] | string)[] } };
  nodes: number[];
  strings: string[];
}

function totals(file: string): Map<string, { count: number; bytes: number }> {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0] as string[];
  const stride = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < data.nodes.length; i += stride) {
    const type = types[data.nodes[i + typeAt]];
    const rawName = data.strings[data.nodes[i + nameAt]];
    // Strings and code are grouped by type only: their names are their contents.
    const name = type === 'object' || type === 'native' || type === 'closure' ? rawName : '';
    const key = `${type} ${name}`.trim();
    const t = out.get(key) ?? { count: 0, bytes: 0 };
    t.count++;
    t.bytes += data.nodes[i + sizeAt];
    out.set(key, t);
  }
  return out;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { per: { type: 'string', default: '1' }, top: { type: 'string', default: '40' } },
});
const per = Number(values.per);
const [before, after] = positionals.map(totals);
const rows = [...after].map(([key, a]) => {
  const b = before.get(key) ?? { count: 0, bytes: 0 };
  return { key, count: (a.count - b.count) / per, bytes: (a.bytes - b.bytes) / per };
});
rows.sort((x, y) => y.bytes - x.bytes);
let sum = 0;
for (const row of rows) sum += row.bytes;
console.log(`total ${sum.toFixed(0)} B per unit`);
for (const row of rows.slice(0, Number(values.top))) {
  console.log(`${row.bytes.toFixed(0).padStart(7)} B  ${row.count.toFixed(2).padStart(6)} ×  ${row.key}`);
}
