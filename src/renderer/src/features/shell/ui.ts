import { create } from 'zustand';

export type NewSocketKind = 'tcp-client' | 'tcp-listener' | 'udp';

interface UiState {
  /** The New… dialog, when open, and which kind of socket it starts with. */
  dialog: NewSocketKind | null;
  /** Listeners whose accepted connections are folded away in the sidebar. */
  collapsed: ReadonlySet<string>;
  /** The New proxy dialog is open. */
  proxyDialog: boolean;
}

export const useUi = create<UiState>()(() => ({ dialog: null, collapsed: new Set<string>(), proxyDialog: false }));

export function openProxyDialog(): void {
  useUi.setState({ proxyDialog: true });
}

export function closeProxyDialog(): void {
  useUi.setState({ proxyDialog: false });
}

export function openNewSocketDialog(kind: NewSocketKind): void {
  useUi.setState({ dialog: kind });
}

export function closeNewSocketDialog(): void {
  useUi.setState({ dialog: null });
}

export function toggleCollapsed(listenerId: string): void {
  useUi.setState((state) => {
    const collapsed = new Set(state.collapsed);
    if (!collapsed.delete(listenerId)) collapsed.add(listenerId);
    return { collapsed };
  });
}
