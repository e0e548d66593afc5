/** The Ports view's table as pure functions: which rows show, in what order. */
import type { PortCounts, PortFilter, PortRow, PortState } from '@shared/contract';
import { isListening, matchesPortQuery } from '@shared/ports';

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
 * The most rows the view asks for. A busy machine has 100,000 sockets: 25 MB of JSON every
 * refresh, which the host took a second to write and the page as long to read. Past this the
 * view says how many it left out and how to narrow them.
 */
export const PORTS_ROW_LIMIT = 10_000;

/** What the view asks the host for: its Show choice and filter box, so that only the rows it shows travel. */
export function portsFilter(show: PortsShow, query: string): PortFilter {
  const words = query.trim().slice(0, 200);
  return {
    listening: show === 'listening' ? true : show === 'connections' ? false : undefined,
    query: words === '' ? undefined : words,
    limit: PORTS_ROW_LIMIT,
  };
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
    .filter((row) => matchesShow(row, show) && matchesPortQuery(row, query))
    .sort(
      (a, b) =>
        compareKeys(key(a), key(b), sort.descending) || compareKeys(keyOf.local(a), keyOf.local(b), false) || a.protocol.localeCompare(b.protocol),
    );
}

/** How many rows each Show choice would list, for the labels of the switch: the machine's, as the host counted them. */
export function showCounts(counts: PortCounts | undefined): Record<PortsShow, number> {
  const { listening, all } = counts ?? { listening: 0, all: 0 };
  return { listening, connections: all - listening, all };
}
