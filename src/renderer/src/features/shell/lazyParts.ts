import { createElement, lazy, useEffect, useState, type ComponentType, type ReactNode } from 'react';
import { loadUserRegex } from '@shared/user-regex';

interface LazyPart<P> {
  Component: ComponentType<P>;
  /** Starts loading the part's chunk (once); the part then renders without suspending. */
  preload: () => Promise<unknown>;
}

/** A chunk's component, fetched once however often it is asked for; a failed fetch (the host restarting) may be tried again. */
function loadOnce<P>(load: () => Promise<ComponentType<P>>): {
  preload: () => Promise<ComponentType<P>>;
  loaded: () => ComponentType<P> | undefined;
} {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const preload = (): Promise<ComponentType<P>> =>
    (loading ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    ));
  return { preload, loaded: () => loaded };
}

/**
 * A part whose code loads on first use, unless `preload` fetched it before. React.lazy alone
 * suspends on a part's first render even when its chunk is already in the browser, and React
 * holds a revealed Suspense boundary back for ~300 ms after showing its fallback: a part opened
 * by a click appeared 0.3 s after the click. Once loaded, the part renders
 * directly.
 */
function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>): LazyPart<P> {
  const { preload, loaded } = loadOnce(load);
  const Suspending = lazy(() => preload().then((component) => ({ default: component })));
  function Component(props: P) {
    // Chosen once per mount: switching from the lazy wrapper to the loaded component in a later
    // render would remount the part and lose what was typed into it.
    const [type] = useState<ComponentType<P>>(() => loaded() ?? Suspending);
    return createElement(type, props);
  }
  return { Component, preload };
}

/** How long a view whose chunk failed to load (the host restarting) waits before it asks again. */
const VIEW_RETRY_MS = 1000;

/**
 * A view whose code loads on first use, unless `preload` fetched it before, that shows `fallback`
 * until then: not through Suspense, whose reveal React holds back ~300 ms after a fallback (a
 * socket opened from the first dialog would come 0.3 s late). The fallback stands in for the view
 * with nothing typed into it, so the view replaces it once loaded.
 */
function lazyView<P extends object>(load: () => Promise<ComponentType<P>>, fallback: (props: P) => ReactNode): LazyPart<P> {
  const { preload, loaded } = loadOnce(load);
  function Component(props: P) {
    const [type, setType] = useState<ComponentType<P> | undefined>(loaded);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (type) return;
      let mounted = true;
      let retry: ReturnType<typeof setTimeout> | undefined;
      preload().then(
        (component) => mounted && setType(() => component),
        () => (retry = setTimeout(() => mounted && setAttempt((n) => n + 1), VIEW_RETRY_MS)),
      );
      return () => {
        mounted = false;
        clearTimeout(retry);
      };
    }, [type, attempt]);
    return type ? createElement(type, props) : fallback(props);
  }
  return { Component, preload };
}

/**
 * What a new user's first window does not show: the selected socket's view (header, log, send
 * bar, proxy and rule panels) and the socket list, in one chunk. It loads when the window first
 * has a socket, once the New… dialog has opened (the first socket is made there) and in the
 * background a second after the first paint, whichever comes first.
 */
const socketViews = {
  selectedSocket: lazyView(
    () => import('../sockets/socketViews').then((module) => module.SelectedSocket),
    () => createElement('main', { className: 'flex min-w-0 flex-1 flex-col bg-canvas', 'aria-label': 'Selected socket', 'aria-busy': true }),
  ),
  socketList: lazyView(
    () => import('../sockets/socketViews').then((module) => module.SocketList),
    () => null,
  ),
};

/**
 * What the first paint and the first click do not need, in chunks of their own: the Ports view and
 * the Decoded view's decoders. They load a second after the window first paints
 * (preloadLazyParts), or the first time they are shown if that comes sooner. The New… dialog is not
 * one of them: it is what the first click opens, and a chunk fetched then (or a suspended first
 * render) would be waited for.
 */
const parts = {
  portsView: lazyPart(() => import('../ports/PortsView').then((module) => module.PortsView)),
  decodedPayload: lazyPart(() => import('../log/decoded/DecodedPayload').then((module) => module.DecodedPayload)),
};

/**
 * The sequences panel and the auto-reply rule editor, with the scenario and rule schemas and the
 * regex engine (re2js, 150 kB): of use only beside a socket, they load when the window first shows
 * one (preloadSocketParts), not in the moments after the first paint, where a click may come.
 */
const socketParts = {
  sequencesPanel: lazyPart(() => withRegexEngine(import('../sequences/SequencesPanel')).then((module) => module.SequencesPanel)),
  ruleEditor: lazyPart(() => withRegexEngine(import('../rules/RuleEditor')).then((module) => module.RuleEditor)),
};

/** Both parts check patterns as they are typed, synchronously: the engine is loaded before either shows. */
async function withRegexEngine<T>(part: Promise<T>): Promise<T> {
  const [module] = await Promise.all([part, loadUserRegex()]);
  return module;
}

export const LazySelectedSocket = socketViews.selectedSocket.Component;
export const LazySocketList = socketViews.socketList.Component;
export const LazyPortsView = parts.portsView.Component;
export const LazyDecodedPayload = parts.decodedPayload.Component;
export const LazySequencesPanel = socketParts.sequencesPanel.Component;
export const LazyRuleEditor = socketParts.ruleEditor.Component;

function preloadAll(group: Record<string, { preload: () => Promise<unknown> }>): void {
  void (async () => {
    for (const part of Object.values(group)) await part.preload().catch(() => undefined);
  })();
}

/** Loads the socket views, the Ports view and the decoders in the background. */
export function preloadLazyParts(): void {
  preloadAll({ ...socketViews, ...parts });
}

/**
 * After a dialog that makes a socket has opened, a moment later: not in the frames that show the
 * dialog (the first click's), nor later than anyone fills the form in.
 */
const SOCKET_VIEWS_AFTER_DIALOG_MS = 300;

/** Loads the socket views once a dialog that makes a socket has opened; returns what cancels that. */
export function preloadSocketViewsSoon(): () => void {
  const timer = setTimeout(() => preloadAll(socketViews), SOCKET_VIEWS_AFTER_DIALOG_MS);
  return () => clearTimeout(timer);
}

/** Loads the socket views now: a socket is about to be made. */
export function preloadSocketViews(): void {
  preloadAll(socketViews);
}

/** Loads the parts shown beside a socket in the background. */
export function preloadSocketParts(): void {
  preloadAll({ ...socketViews, ...socketParts });
}
