/**
 * Hot and cold parts of a SocketInfo. Counters change with every packet; settings (certificates,
 * auto-reply rules, framing, UDP options…) and the socket's state change by hand or once in its
 * life. A change to counters alone goes out as `socket.stats`, small and without settings; any
 * other change as a whole `socket.upsert`, which is also what the saved workspace listens to.
 * The state counts as cold: it decides what the workspace saves, and it changes once per phase.
 * Some counters live inside settings (auto-reply and toxic hit counts, a conversation's held
 * counts): socket.stats carries them by themselves, and withStats puts them back in place.
 */
import type { SocketInfo, SocketStats } from './contract';
import type { ProxySettings } from './proxy';

const STATS_KEYS: ReadonlySet<string> = new Set([
  'bytesIn',
  'bytesOut',
  'messagesIn',
  'messagesOut',
  'queuedBytes',
  'lastActivityAt',
  'kernelDrops',
  'repeat',
] satisfies (keyof SocketStats)[]);

/** True when a change to a SocketInfo touches counters only (a `socket.stats` says all of it). */
export function onlyStats(patch: Partial<SocketInfo>): boolean {
  return Object.keys(patch).every((key) => STATS_KEYS.has(key));
}

/**
 * True when `a` and `b` differ in counters at most: a view that shows no counter need not be
 * drawn again. Settings that carry hit counts (auto-reply, toxics, held) still count as changes.
 */
export function sameSettings(a: SocketInfo | undefined, b: SocketInfo | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const record = a as unknown as Record<string, unknown>;
  const other = b as unknown as Record<string, unknown>;
  for (const key in record) if (!STATS_KEYS.has(key) && record[key] !== other[key]) return false;
  for (const key in other) if (!(key in record) && !STATS_KEYS.has(key)) return false;
  return true;
}

/** The hot part of a socket, as `socket.stats` carries it. */
export function statsOf(info: SocketInfo): SocketStats {
  const { id, bytesIn, bytesOut, messagesIn, messagesOut, queuedBytes, lastActivityAt, kernelDrops, repeat, autoReply, proxy, conversation } = info;
  return {
    id,
    bytesIn,
    bytesOut,
    messagesIn,
    messagesOut,
    queuedBytes,
    ...(lastActivityAt !== undefined && { lastActivityAt }),
    ...(kernelDrops !== undefined && { kernelDrops }),
    ...(repeat && { repeat }),
    ...(autoReply && {
      autoReplyHits: { echo: autoReply.echoHits, rules: Object.fromEntries(autoReply.rules.map((rule) => [rule.id, rule.hits])) },
    }),
    ...(proxy &&
      proxy.toxics.length > 0 && {
        toxicHits: Object.fromEntries(
          proxy.toxics.map(({ name, hits, conversationCount, conversations }) => [name, { hits, conversationCount, conversations }]),
        ),
      }),
    ...(conversation?.held && { held: conversation.held }),
  };
}

/** `info` with the counters of `stats`; settings stay as they are (a new object, `info` is left alone). */
export function withStats(info: SocketInfo, stats: SocketStats): SocketInfo {
  const { autoReplyHits, toxicHits, held, ...counters } = stats;
  const next: SocketInfo = { ...info, ...counters };
  if (toxicHits && info.proxy) next.proxy = withToxicHits(info.proxy, toxicHits);
  if (held && info.conversation && (held.upstream !== info.conversation.held?.upstream || held.downstream !== info.conversation.held?.downstream)) {
    next.conversation = { ...info.conversation, held };
  }
  const { autoReply } = info;
  if (autoReplyHits && autoReply) {
    const hitsOf = (id: string, hits: number): number => autoReplyHits.rules[id] ?? hits;
    // The same object while no count moved, so a view of the rules is not drawn again.
    const moved = autoReply.echoHits !== autoReplyHits.echo || autoReply.rules.some((rule) => hitsOf(rule.id, rule.hits) !== rule.hits);
    if (moved) {
      next.autoReply = {
        ...autoReply,
        echoHits: autoReplyHits.echo,
        rules: autoReply.rules.map((rule) => ({ ...rule, hits: hitsOf(rule.id, rule.hits) })),
      };
    }
  }
  return next;
}

/** A proxy's settings with the hit counts of `hits`; the same object while no count moved. */
function withToxicHits(proxy: ProxySettings, hits: NonNullable<SocketStats['toxicHits']>): ProxySettings {
  const moved = proxy.toxics.some((toxic) => {
    const now = hits[toxic.name];
    return now !== undefined && (now.hits !== toxic.hits || now.conversationCount !== toxic.conversationCount);
  });
  return moved ? { ...proxy, toxics: proxy.toxics.map((toxic) => ({ ...toxic, ...hits[toxic.name] })) } : proxy;
}
