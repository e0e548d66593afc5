/** The Ports view's table as pure functions: which rows show, in what order. */
import type { PortRow, PortState } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import { isListening } from '@shared/ports';

export type PortsShow = 'listening' | 'connections' | 'all';
export type PortColumn = 'protocol' | 'local' | 'remote' | 'state' | 'pid' | 'process' | 'service';
export interface PortSort {
  column: PortColumn;
  descending: boolean;
}

export function matchesShow(row: PortRow, show: PortsShow): boolean {
  return show === 'all' || (show === 'listening') === isListening(row);
}

/**
 * The filter box: every word must match. A number (or `:number`) is a port, local or remote, or
 * a pid — exactly, so 80 does not bring up 8080. Anything else is looked for, in any case, in the
 * addresses, state, process, command line and service (`sockscope` finds Sockscope's own).
 */
export function matchesQuery(row: PortRow, query: string): boolean {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [
    row.protocol,
    formatEndpoint(row.local),
    row.remote ? formatEndpoint(row.remote) : '',
    row.state,
    row.process ?? '',
    row.command ?? '',
    row.service ?? '',
    row.own ? 'sockscope' : '',
    row.processHidden ? 'hidden' : '',
  ]
    .join('\n')
    .toLowerCase();
  return words.every((word) => {
    const number = /^:?(\d+)$/.exec(word);
    if (number) {
      const n = Number(number[1]);
      return row.local.port === n || row.remote?.port === n || row.pid === n;
    }
    return text.includes(word);
  });
}

/** Where a state sorts: what serves first, then live connections, then what is winding down. */
const stateRank: Record<PortState, number> = {
  LISTEN: 0,
  BOUND: 1,
  ESTABLISHED: 2,
  CONNECTED: 3,
  SYN_SENT: 4,
  SYN_RECEIVED: 5,
  CLOSE_WAIT: 6,
  FIN_WAIT_1: 7,
  FIN_WAIT_2: 8,
  CLOSING: 9,
  LAST_ACK: 10,
  TIME_WAIT: 11,
  CLOSED: 12,
  UNKNOWN: 13,
};

/** Numbers and names compare as such; a missing value sorts last in either direction. */
type SortKey = number | string | undefined;

const keyOf: Record<PortColumn, (row: PortRow) => SortKey[]> = {
  protocol: (row) => [row.protocol],
  local: (row) => [row.local.port, row.local.address],
  remote: (row) => [row.remote?.port, row.remote?.address],
  state: (row) => [stateRank[row.state]],
  pid: (row) => [row.pid],
  process: (row) => [row.process?.toLowerCase()],
  service: (row) => [row.service],
};

function compareKeys(a: SortKey[], b: SortKey[], descending: boolean): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    if (order !== 0) return descending ? -order : order;
  }
  return 0;
}

/** Rows that pass the Show choice and the filter box, sorted; ties keep port order. */
export function visiblePortRows(rows: readonly PortRow[], show: PortsShow, query: string, sort: PortSort): PortRow[] {
  const key = keyOf[sort.column];
  return rows
    .filter((row) => matchesShow(row, show) && matchesQuery(row, query))
    .sort(
      (a, b) =>
        compareKeys(key(a), key(b), sort.descending) || compareKeys(keyOf.local(a), keyOf.local(b), false) || a.protocol.localeCompare(b.protocol),
    );
}

/** How many rows each Show choice would list, for the labels of the switch. */
export function showCounts(rows: readonly PortRow[]): Record<PortsShow, number> {
  const listening = rows.filter(isListening).length;
  return { listening, connections: rows.length - listening, all: rows.length };
}
