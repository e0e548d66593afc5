import { create } from 'zustand';
import type { AutoReplyRuleInput, AutoReplyRuleState, AutoReplyState } from '@shared/auto-reply';
import type { Result, SocketInfo } from '@shared/contract';
import type { FramingSpec } from '@shared/framing';
import { RAW_FRAMING } from '@shared/framing-names';
import { invoke } from '../../sync/engine';

interface AutoReplyPanelState {
  /** The panel beside the log, for listeners and UDP sockets; stays open from socket to socket. */
  open: boolean;
}

export const useAutoReplyPanel = create<AutoReplyPanelState>()(() => ({ open: false }));

export function setAutoReplyPanelOpen(open: boolean): void {
  useAutoReplyPanel.setState({ open });
}

/** Listeners answer on their connections, UDP sockets answer each sender; nothing else takes rules. */
export function takesAutoReplies(socket: SocketInfo): boolean {
  return socket.kind === 'tcp-listener' || socket.kind === 'udp';
}

export const emptyAutoReply: AutoReplyState = { echo: false, echoHits: 0, rules: [] };

/** A rule as it is sent back: the engine keeps the hit counts itself. */
function ruleInput({ hits: _hits, ...rule }: AutoReplyRuleState): AutoReplyRuleInput {
  return rule;
}

/** The socket's auto-reply settings as `autoReply.set` takes them. */
export interface AutoReplySettings {
  echo: boolean;
  rules: AutoReplyRuleInput[];
  /** What one message is for the rules (absent in older states: each chunk). */
  framing: FramingSpec;
}

/**
 * Sends the socket's whole rule list with one change applied; the engine's answer (and the
 * socket's next update) carry the new state with hit counts.
 */
export async function changeAutoReply(
  socket: SocketInfo,
  change: (current: AutoReplySettings) => AutoReplySettings,
): Promise<Result<AutoReplyState>> {
  const current = socket.autoReply ?? emptyAutoReply;
  const next = change({ echo: current.echo, rules: current.rules.map(ruleInput), framing: current.framing ?? RAW_FRAMING });
  return invoke('autoReply.set', { id: socket.id, ...next });
}

let nextRuleNumber = 1;

/** Unique within the window's lifetime, which is what tells rules apart in a list. */
export function newRuleId(): string {
  return `rule-${Date.now().toString(36)}-${nextRuleNumber++}`;
}

export const matchLabel: Record<AutoReplyRuleInput['match'], string> = {
  exact: 'is exactly',
  contains: 'contains',
  regex: 'matches regex',
  'hex-prefix': 'starts with hex',
};
