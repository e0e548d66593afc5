/**
 * Auto-replies: rules set on a listener (answering on each connection it accepted) or on a UDP
 * socket (answering each datagram's sender). What is matched is each message: by default each
 * chunk as it arrives (a read, a datagram), or, with a framing, each frame it cuts (each line,
 * each HTTP request), since a TCP stream keeps no message boundaries of its own.
 * The first enabled rule that matches answers; when none does and echo is on, the bytes go back.
 */
import { type AutoReplyState, parsePattern, parseReply } from '@shared/auto-reply';
import { MacroError, type MacroTemplate } from '@shared/macros';
import type { RegexMatch, UserRegex } from '@shared/user-regex';
import { macroContextOf } from '../scenario/macro-contexts';
import type { Endpoint, ParsedInput } from '@shared/contract';
import { utf8Decode } from '@shared/codec';
import { describeFraming, type FramingSpec, sameFraming } from '@shared/framing';
import { describeError } from './errors';
import { FrameAssembler, MAX_ASSEMBLED_FRAME_BYTES } from './frame-assembler';
import { copyBytes } from './log';
import type { ReceiveWatcher, SocketRecord } from './socket-record';

/** Sends `reply` on socket `id`; `peer` is the UDP datagram's sender to answer. */
export type ReplySender = (id: string, reply: Uint8Array<ArrayBuffer>, peer: Endpoint | undefined) => Promise<unknown>;

/**
 * Delayed replies waiting per owner, beyond which new ones are dropped: a flood answered with a
 * delay would otherwise hold a timer (and, for echo, a copy of the payload) per message.
 */
export const MAX_PENDING_REPLIES = 10_000;

/** Whether a message matches: a regex rule gives its match, for the reply's `$1`. */
type Matcher = (payload: Buffer, text: () => string) => boolean | RegexMatch | null;

interface CompiledRule {
  state: AutoReplyState['rules'][number];
  matches: Matcher;
  /** Evaluated per message when it holds macros or captures; otherwise the same bytes each time. */
  reply: MacroTemplate | Uint8Array<ArrayBuffer>;
}

interface OwnerRules {
  owner: SocketRecord;
  echo: boolean;
  echoHits: number;
  rules: CompiledRule[];
  framing: FramingSpec;
  publishScheduled: boolean;
}

/** A receiver's frames being read, under its owner's framing. */
interface Assembly {
  ownerId: string;
  framing: FramingSpec;
  assembler: FrameAssembler;
  /** Says in the receiver's log that a message outgrew the assembler. */
  tooLong: () => void;
}

interface PendingReply {
  timer: ReturnType<typeof setTimeout>;
  ownerId: string;
  receiverId: string;
}

export class AutoReplies {
  private readonly owners = new Map<string, OwnerRules>();
  /** Per receiving socket, when its owner's rules match frames rather than chunks. */
  private readonly assemblies = new Map<string, Assembly>();
  private readonly pending = new Set<PendingReply>();
  /** Delayed replies waiting per owner id, and the owners told that more were dropped. */
  private readonly waiting = new Map<string, number>();
  private readonly overflowReported = new Set<string>();

  constructor(private readonly sendReply: ReplySender) {}

  /** Answers what `receiver` receives with the rules set on `ownerId` (its listener, or itself for UDP). */
  attach(receiver: SocketRecord, ownerId: string): void {
    receiver.watcher = this.watcher;
    receiver.watchedFor = ownerId;
  }

  /** One for every receiver (see SocketRecord.watcher). */
  private readonly watcher: ReceiveWatcher = {
    received: (receiver, bytes, size, peer) => this.received(receiver.watchedFor, receiver, bytes, size, peer),
    // Nothing more will arrive: the frame it was reading (up to 1 MiB) need not be kept.
    closed: (receiver) => this.assemblies.delete(receiver.id),
  };

  /** Replaces the owner's rules; hit counts stay with the rules that keep their id. */
  set(owner: SocketRecord, settings: Omit<ParsedInput<'autoReply.set'>, 'id'>): AutoReplyState {
    const previous = this.owners.get(owner.id);
    const hitsBefore = new Map(previous?.rules.map((rule) => [rule.state.id, rule.state.hits]));
    const rules = settings.rules.map((rule): CompiledRule => {
      const pattern = parsePattern(rule.match, rule.pattern);
      const reply = parseReply(rule.reply, rule.replyFormat, rule.match);
      // The contract's schema has refused both already; this is what the type system needs to see.
      if (!pattern.ok || !reply.ok) throw new Error(`Rule ${rule.id} was not validated`);
      const { template } = reply;
      return {
        state: { ...rule, hits: hitsBefore.get(rule.id) ?? 0 },
        matches: matcherFor(rule.match, pattern),
        reply: template.dynamic ? template : copyBytes(template.evaluate(macroContextOf(owner))),
      };
    });
    const current: OwnerRules = {
      owner,
      echo: settings.echo,
      echoHits: previous?.echoHits ?? 0,
      rules,
      framing: settings.framing,
      publishScheduled: false,
    };
    this.owners.set(owner.id, current);
    // Receivers keep their place in the stream while the framing stays (editing a rule must not
    // cut a length-prefixed stream mid-frame); a new framing starts afresh with the next read.
    for (const [receiverId, assembly] of this.assemblies) {
      if (assembly.ownerId === owner.id && !sameFraming(assembly.framing, settings.framing)) this.assemblies.delete(receiverId);
    }
    const state = stateOf(current);
    owner.update({ autoReply: state });
    return state;
  }

  /** The socket is gone: its rules and every reply waiting for or on it go too. */
  forget(id: string): void {
    this.owners.delete(id);
    this.assemblies.delete(id);
    this.overflowReported.delete(id);
    for (const reply of this.pending) {
      if (reply.ownerId === id || reply.receiverId === id) this.cancel(reply);
    }
  }

  dispose(): void {
    for (const reply of this.pending) this.cancel(reply);
    this.owners.clear();
    this.assemblies.clear();
    this.overflowReported.clear();
  }

  private received(ownerId: string, receiver: SocketRecord, buffer: Uint8Array, size: number, peer: Endpoint | undefined): void {
    const rules = this.owners.get(ownerId);
    if (!rules) return;
    const bytes = size === buffer.byteLength ? buffer : buffer.subarray(0, size);
    if (rules.framing.mode === 'raw') {
      this.answer(rules, ownerId, receiver, bytes, peer);
      return;
    }
    let assembly = this.assemblies.get(receiver.id);
    if (!assembly || !sameFraming(assembly.framing, rules.framing)) {
      const { framing } = rules;
      const tooLong = (): void =>
        receiver.event(
          'info',
          `Auto-reply: a message grew past ${MAX_ASSEMBLED_FRAME_BYTES / (1024 * 1024)} MiB without ending (${describeFraming(framing)}); it is not matched`,
        );
      assembly = { ownerId, framing, assembler: new FrameAssembler(framing), tooLong };
      this.assemblies.set(receiver.id, assembly);
    }
    // A datagram is a whole message: a frame it leaves unfinished ends with it.
    for (const frame of assembly.assembler.push(bytes, peer !== undefined, assembly.tooLong)) {
      this.answer(rules, ownerId, receiver, frame, peer);
    }
  }

  /** Matches one message against the rules and sends the answer, if any. */
  private answer(rules: OwnerRules, ownerId: string, receiver: SocketRecord, bytes: Uint8Array, peer: Endpoint | undefined): void {
    const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let text: string | undefined;
    const asText = (): string => (text ??= utf8Decode(bytes));
    let matched: boolean | RegexMatch | null = false;
    const rule = rules.rules.find((candidate) => candidate.state.enabled && (matched = candidate.matches(payload, asText)));
    let reply: Uint8Array<ArrayBuffer>;
    let delayMs = 0;
    if (rule) {
      rule.state.hits++;
      if (rule.reply instanceof Uint8Array) reply = rule.reply;
      else {
        try {
          reply = rule.reply.evaluate(
            macroContextOf(receiver),
            typeof matched === 'object' && matched ? matched : undefined,
          ) as Uint8Array<ArrayBuffer>;
        } catch (error) {
          if (!(error instanceof MacroError)) throw error;
          receiver.event('info', `Auto-reply not sent: ${error.message}`);
          this.publishSoon(rules);
          return;
        }
      }
      delayMs = rule.state.delayMs;
    } else if (rules.echo) {
      rules.echoHits++;
      // A copy: the socket may reuse its buffer before a UDP reply has resolved its target.
      reply = copyBytes(bytes);
    } else {
      return;
    }
    this.publishSoon(rules);
    // An empty reply answers with silence: the rule still counts, and keeps echo from answering.
    // Echo is the exception for UDP: an empty datagram is a message, and its echo is one too.
    if (reply.byteLength === 0 && (rule || peer === undefined)) return;
    if (delayMs === 0) {
      this.send(receiver, reply, peer);
      return;
    }
    const waiting = this.waiting.get(ownerId) ?? 0;
    if (waiting >= MAX_PENDING_REPLIES) {
      if (!this.overflowReported.has(ownerId)) {
        this.overflowReported.add(ownerId);
        receiver.event('info', `Auto-reply: ${MAX_PENDING_REPLIES} delayed replies are already waiting; dropping more until they are sent`);
      }
      return;
    }
    this.waiting.set(ownerId, waiting + 1);
    const pending: PendingReply = {
      ownerId,
      receiverId: receiver.id,
      timer: setTimeout(() => {
        this.release(pending);
        this.send(receiver, reply, peer);
      }, delayMs),
    };
    this.pending.add(pending);
  }

  private send(receiver: SocketRecord, reply: Uint8Array<ArrayBuffer>, peer: Endpoint | undefined): void {
    this.sendReply(receiver.id, reply, peer).catch((error: unknown) => {
      const info = describeError(error);
      // One line and a count for a peer that never reads, not one per message it sent.
      receiver.event('info', `Auto-reply not sent: ${info.message}`, info.code, `auto-reply not sent ${info.code}`);
    });
  }

  private cancel(reply: PendingReply): void {
    clearTimeout(reply.timer);
    this.release(reply);
  }

  private release(reply: PendingReply): void {
    this.pending.delete(reply);
    const waiting = (this.waiting.get(reply.ownerId) ?? 1) - 1;
    if (waiting > 0) {
      this.waiting.set(reply.ownerId, waiting);
    } else {
      this.waiting.delete(reply.ownerId);
      this.overflowReported.delete(reply.ownerId);
    }
  }

  /** Hit counts go out once per turn of the event loop, not once per message of a flood. */
  private publishSoon(rules: OwnerRules): void {
    if (rules.publishScheduled) return;
    rules.publishScheduled = true;
    setImmediate(() => {
      rules.publishScheduled = false;
      if (this.owners.get(rules.owner.id) === rules) rules.owner.countAutoReplies(stateOf(rules));
    });
  }
}

function stateOf(rules: OwnerRules): AutoReplyState {
  return { echo: rules.echo, echoHits: rules.echoHits, rules: rules.rules.map((rule) => ({ ...rule.state })), framing: rules.framing };
}

function matcherFor(match: CompiledRule['state']['match'], pattern: { bytes: Uint8Array } | { regex: UserRegex }): Matcher {
  if ('regex' in pattern) {
    const { regex } = pattern;
    return (_payload, text) => regex.exec(text());
  }
  const expected = Buffer.from(pattern.bytes);
  switch (match) {
    case 'exact':
      return (payload) => payload.equals(expected);
    case 'contains':
      return (payload) => payload.indexOf(expected) !== -1;
    default: // hex-prefix
      return (payload) => payload.byteLength >= expected.byteLength && payload.subarray(0, expected.byteLength).equals(expected);
  }
}
