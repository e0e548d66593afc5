import { createElement, lazy, useState, type ComponentType } from 'react';
import { loadUserRegex } from '@shared/user-regex';

interface LazyPart<P> {
  Component: ComponentType<P>;
  /** Starts loading the part's chunk (once); the part then renders without suspending. */
  preload: () => Promise<unknown>;
}

/**
 * A part whose code loads on first use, unless `preload` fetched it before. React.lazy alone
 * suspends on a part's first render even when its chunk is already in the browser, and React
 * holds a revealed Suspense boundary back for ~300 ms after showing its fallback: a part opened
 * by a click appeared 0.3 s after the click. Once loaded, the part renders
 * directly.
 */
function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>): LazyPart<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const preload = (): Promise<ComponentType<P>> =>
    (loading ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        // A failed fetch (the host restarting) may succeed on the next try.
        loading = undefined;
        throw error;
      },
    ));
  const Suspending = lazy(() => preload().then((component) => ({ default: component })));
  function Component(props: P) {
    // Chosen once per mount: switching from the lazy wrapper to the loaded component in a later
    // render would remount the part and lose what was typed into it.
    const [type] = useState<ComponentType<P>>(() => loaded ?? Suspending);
    return createElement(type, props);
  }
  return { Component, preload };
}

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

export const LazyPortsView = parts.portsView.Component;
export const LazyDecodedPayload = parts.decodedPayload.Component;
export const LazySequencesPanel = socketParts.sequencesPanel.Component;
export const LazyRuleEditor = socketParts.ruleEditor.Component;

function preloadAll(group: Record<string, { preload: () => Promise<unknown> }>): void {
  void (async () => {
    for (const part of Object.values(group)) await part.preload().catch(() => undefined);
  })();
}

/** Loads the Ports view and the decoders in the background. */
export function preloadLazyParts(): void {
  preloadAll(parts);
}

/** Loads the parts shown beside a socket in the background. */
export function preloadSocketParts(): void {
  preloadAll(socketParts);
}
