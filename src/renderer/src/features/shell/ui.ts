import { create } from 'zustand';

export type NewSocketKind = 'tcp-client' | 'tcp-listener' | 'udp';

interface UiState {
  /** The New… dialog, when open, and which kind of socket it starts with. */
  dialog: NewSocketKind | null;
  /** Listeners whose accepted connections are folded away in the sidebar. */
  collapsed: ReadonlySet<string>;
  /** The New proxy dialog is open. */
  proxyDialog: boolean;
  /** A socket just opened from a New… dialog: its first field (send bar, Add toxic) takes the focus, for what is typed next. */
  focusOnOpen: string | null;
}

export const useUi = create<UiState>()(() => ({ dialog: null, collapsed: new Set<string>(), proxyDialog: false, focusOnOpen: null }));

export function openProxyDialog(): void {
  useUi.setState({ proxyDialog: true });
}

export function closeProxyDialog(): void {
  useUi.setState({ proxyDialog: false });
}

/** Closes the New proxy dialog on the proxy it started, whose Add toxic field then takes the focus. */
export function closeProxyDialogOn(socketId: string): void {
  useUi.setState({ proxyDialog: false, focusOnOpen: socketId });
}

export function openNewSocketDialog(kind: NewSocketKind): void {
  useUi.setState({ dialog: kind });
}

export function closeNewSocketDialog(): void {
  useUi.setState({ dialog: null });
}

/** Closes the New… dialog on the socket it opened, whose message box then takes the focus. */
export function closeNewSocketDialogOn(socketId: string): void {
  useUi.setState({ dialog: null, focusOnOpen: socketId });
}

export function focusTakenOnOpen(): void {
  useUi.setState({ focusOnOpen: null });
}

export function toggleCollapsed(listenerId: string): void {
  useUi.setState((state) => {
    const collapsed = new Set(state.collapsed);
    if (!collapsed.delete(listenerId)) collapsed.add(listenerId);
    return { collapsed };
  });
}
