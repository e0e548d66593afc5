import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useMemo, useRef, type ReactNode } from 'react';
import type { ListeningPorts, PortRow } from '@shared/contract';
import { connectTarget, portRowKey } from '@shared/ports';
import { sortPortsBy, usePorts } from './ports';
import type { PortColumn } from './portsTable';
import { PORT_ROW_HEIGHT, PortTableRow, portsGridColumns } from './PortTableRow';

const headers: readonly { column: PortColumn; label: string; right?: boolean }[] = [
  { column: 'protocol', label: 'Proto' },
  { column: 'local', label: 'Local address' },
  { column: 'remote', label: 'Remote address' },
  { column: 'state', label: 'State' },
  { column: 'pid', label: 'PID', right: true },
  { column: 'process', label: 'Process' },
  { column: 'service', label: 'Service' },
];

interface PortsTableProps {
  /** The rows to draw, filtered and sorted. */
  rows: readonly PortRow[];
  /** What listens on this machine: Connect's target depends on it. */
  listening: ListeningPorts;
  /** Shown in place of rows when there are none. */
  empty: ReactNode;
}

/** The machine's sockets as a sortable table; only the rows on screen exist (there may be thousands). */
export function PortsTable({ rows, listening, empty }: PortsTableProps) {
  const sort = usePorts((state) => state.sort);
  const loading = usePorts((state) => state.loading);
  const failedKey = usePorts((state) => state.connectError?.key);
  const scrollRef = useRef<HTMLDivElement>(null);

  // Keys stay with their socket across refreshes; a repeated key (two sockets one process bound
  // alike, as mDNS clients do) gets a count so that React can tell them apart.
  const keys = useMemo(() => {
    const seen = new Map<string, number>();
    return rows.map((row) => {
      const key = portRowKey(row);
      const count = seen.get(key) ?? 0;
      seen.set(key, count + 1);
      return count === 0 ? key : `${key} #${count}`;
    });
  }, [rows]);

  const getItemKey = useCallback((index: number) => keys[index] ?? index, [keys]);
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => PORT_ROW_HEIGHT,
    getItemKey,
    overscan: 16,
  });

  return (
    <div
      role="table"
      aria-label="Ports on this machine"
      aria-rowcount={rows.length + 1}
      aria-busy={loading}
      className="flex min-h-0 flex-1 flex-col overflow-x-auto"
    >
      {/* Narrower than this, the columns scroll sideways together rather than squeeze. */}
      <div className="flex min-h-0 min-w-[920px] flex-1 flex-col">
        <div role="rowgroup" className="shrink-0 border-b border-line bg-panel">
          <div
            role="row"
            aria-rowindex={1}
            className={`grid ${portsGridColumns} h-7 items-center gap-x-3 border-l-2 border-l-transparent pr-3 pl-2.5`}
          >
            {headers.map((header) => {
              const active = sort.column === header.column;
              return (
                <span
                  key={header.column}
                  role="columnheader"
                  aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                  className={header.right ? 'text-right' : undefined}
                >
                  <button
                    type="button"
                    onClick={() => sortPortsBy(header.column)}
                    title={`Sort by ${header.label.toLowerCase()}`}
                    className={`inline-flex items-center gap-1 text-[11px] font-medium hover:text-fg ${active ? 'text-fg' : 'text-muted'}`}
                  >
                    {header.label}
                    <span aria-hidden="true" className={`text-[9px] ${active ? 'text-muted' : 'invisible'}`}>
                      {sort.descending ? '▼' : '▲'}
                    </span>
                  </button>
                </span>
              );
            })}
            <span role="columnheader" className="sr-only">
              Actions
            </span>
          </div>
        </div>
        <div ref={scrollRef} role="rowgroup" className="relative min-h-0 flex-1 overflow-x-hidden overflow-y-auto">
          {rows.length === 0 ? (
            empty
          ) : (
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const row = rows[item.index];
                const key = keys[item.index];
                return (
                  <div
                    key={item.key}
                    style={{ position: 'absolute', top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` }}
                  >
                    <PortTableRow row={row} rowKey={key} target={connectTarget(row, listening)} index={item.index} failed={key === failedKey} />
                  </div>
                );
              })}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
