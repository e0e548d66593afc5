/**
 * When a UI flood stalled, and what reached the page then (BENCH_UI_TRACE): every frame gap and key
 * press over STALL_MS, and the WebSocket messages the page received, the large ones named by the
 * command they answer, in milliseconds from the moment the senders started. A scheduler's average
 * cannot tell one half-second stall from a general slowness; a timeline says when it came and
 * what landed with it (a 4 MB ports listing answering a new connection's peer lookup, once).
 */
import type { Page } from '@playwright/test';

const STALL_MS = 100;
/** A message this large is named in the timeline whenever it came. */
const LARGE_MESSAGE = 256 * 1024;
/** Quiet this long, the page was not sent anything: the host was busy, or starved. */
const SILENCE_MS = 300;

interface Message {
  /** performance.now() in the page. */
  at: number;
  chars: number;
  /** The command a reply answers, from the page's own call. */
  command?: string;
}

declare global {
  interface Window {
    __messages?: Message[];
  }
}

/**
 * Installed before the page loads (page.addInitScript), so that the app's WebSocket is one it
 * watches: the size of each message received, and the command each reply answers.
 */
export const MESSAGE_RECORDER = `(() => {
  window.__messages = [];
  const calls = new Map();
  const callId = (text) => /"callId":([0-9]+)/.exec(text.slice(0, 200))?.[1];
  const Native = WebSocket;
  window.WebSocket = class extends Native {
    send(data) {
      if (typeof data === 'string') {
        const id = callId(data);
        const command = /"command":"([^"]+)"/.exec(data)?.[1];
        if (id !== undefined && command !== undefined) calls.set(id, command);
      }
      return super.send(data);
    }
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const text = typeof event.data === 'string' ? event.data : '';
        const id = callId(text);
        // The array of the moment: takeMessages puts a new one in its place.
        window.__messages.push({ at: performance.now(), chars: text.length, command: id === undefined ? undefined : calls.get(id) });
        if (id !== undefined) calls.delete(id);
      });
    }
  };
})()`;

/** Takes the messages received so far (the next call starts afresh). */
export function takeMessages(page: Page): Promise<Message[]> {
  return page.evaluate(() => {
    const messages = window.__messages ?? [];
    window.__messages = [];
    return messages;
  });
}

/**
 * The timeline of one flood: frames and key presses as the probe recorded them (page times), the
 * messages received, and the page time at which the senders started.
 */
export function stallTimeline(frames: number[], keys: { at: number; latency: number }[], messages: Message[], startedAt: number): string[] {
  const t = (at: number): string => `+${(at - startedAt).toFixed(0)} ms`;
  const events: [number, string][] = [];
  for (let i = 1; i < frames.length; i++) {
    const gap = frames[i] - frames[i - 1];
    if (gap > STALL_MS) events.push([frames[i - 1], `no frame for ${gap.toFixed(0)} ms`]);
  }
  for (const key of keys) if (key.latency > STALL_MS) events.push([key.at, `key press took ${key.latency.toFixed(0)} ms to show`]);
  const received = messages.filter((message) => message.at >= startedAt);
  for (const [i, message] of received.entries()) {
    const quiet = i === 0 ? 0 : message.at - received[i - 1].at;
    if (message.chars < LARGE_MESSAGE && quiet < SILENCE_MS) continue;
    const what = message.command ? `reply to ${message.command}` : 'message';
    events.push([
      message.at,
      `${what}, ${(message.chars / 1e6).toFixed(2)} MB${quiet >= SILENCE_MS ? `, after ${quiet.toFixed(0)} ms with nothing received` : ''}`,
    ]);
  }
  const total = received.reduce((sum, message) => sum + message.chars, 0);
  return [
    `${received.length} messages received, ${(total / 1e6).toFixed(1)} MB`,
    ...events.sort((a, b) => a[0] - b[0]).map(([at, text]) => `${t(at).padStart(10)}  ${text}`),
  ];
}
