import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, type KeyboardEvent } from 'react';
import { buildSidebarRows, type SidebarRow } from './socketTree';
import { selectSocket, useSockets } from './sockets';
import { toggleCollapsed, useUi } from '../shell/ui';
import { SocketRow } from './SocketRow';

const SECTION_HEIGHT = 28;
const ROW_HEIGHT = 46;

/**
 * The sidebar: listeners with their accepted connections, TCP clients, UDP sockets. Virtualized,
 * so a listener with thousands of connections stays responsive. One row is tabbable (the selected
 * one); arrow keys, Home and End move the selection; Left/Right fold a listener's connections.
 */
export function SocketList() {
  // Laid out from what counters leave alone: a packet redraws its row's numbers, not the list.
  const sockets = useSockets((state) => state.layout);
  const selectedId = useSockets((state) => state.selectedId);
  const socketErrors = useSockets((state) => state.socketErrors);
  const collapsed = useUi((state) => state.collapsed);
  const rows = useMemo(() => buildSidebarRows(sockets, collapsed), [sockets, collapsed]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const tabbableId = useMemo(() => {
    let first: string | undefined;
    for (const row of rows) {
      if (row.type !== 'socket') continue;
      if (row.socket.id === selectedId) return selectedId;
      first ??= row.socket.id;
    }
    return first;
  }, [rows, selectedId]);

  // The React Compiler cannot memoize TanStack Virtual's instance; it opts this component out.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (rows[index]?.type === 'section' ? SECTION_HEIGHT : ROW_HEIGHT),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 8,
  });

  const focusRow = (id: string, attempts = 4): void => {
    const element = scrollRef.current?.querySelector<HTMLElement>(`[data-socket-id="${CSS.escape(id)}"]`);
    if (element) element.focus({ preventScroll: true });
    else if (attempts > 0) requestAnimationFrame(() => focusRow(id, attempts - 1));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const socketRows = rows.flatMap((row, index) => (row.type === 'socket' ? [{ row, index }] : []));
    if (socketRows.length === 0) return;
    const current = socketRows.findIndex(({ row }) => row.socket.id === selectedId);
    let target: number | undefined;
    switch (event.key) {
      case 'ArrowDown':
        target = current < 0 ? 0 : Math.min(current + 1, socketRows.length - 1);
        break;
      case 'ArrowUp':
        target = current < 0 ? 0 : Math.max(current - 1, 0);
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = socketRows.length - 1;
        break;
      case 'ArrowLeft':
      case 'ArrowRight': {
        const row = socketRows[current]?.row;
        if (row && row.socket.kind === 'tcp-listener' && row.childCount > 0 && row.collapsed === (event.key === 'ArrowRight')) {
          event.preventDefault();
          toggleCollapsed(row.socket.id);
        }
        return;
      }
      default:
        return;
    }
    event.preventDefault();
    const next = socketRows[target];
    selectSocket(next.row.socket.id);
    virtualizer.scrollToIndex(next.index, { align: 'auto' });
    focusRow(next.row.socket.id);
  };

  return (
    <div ref={scrollRef} className="min-h-0 flex-1 overflow-y-auto">
      <div role="listbox" aria-label="Sockets" onKeyDown={onKeyDown} className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row: SidebarRow | undefined = rows[item.index];
          if (!row) return null;
          return (
            <div
              key={item.key}
              role="presentation"
              className="absolute top-0 left-0 w-full"
              style={{ height: item.size, transform: `translateY(${item.start}px)` }}
            >
              {row.type === 'section' ? (
                <div
                  role="presentation"
                  className="flex h-full items-end justify-between px-3 pb-1 text-[11px] font-semibold tracking-wide text-muted uppercase"
                >
                  <span>{row.label}</span>
                  <span className="font-normal tabular-nums">{row.count}</span>
                </div>
              ) : (
                <SocketRow
                  id={row.socket.id}
                  depth={row.depth}
                  selected={row.socket.id === selectedId}
                  openConnections={row.openConnections}
                  childCount={row.childCount}
                  collapsed={row.collapsed}
                  tabbable={row.socket.id === tabbableId}
                  reported={socketErrors[row.socket.id]}
                />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
