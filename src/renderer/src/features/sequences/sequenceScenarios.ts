/**
 * What the sequences panel does with a sequence's scenario JSON: name it, check it, run it, make
 * one from a log, import a file of them. Apart from sequences.ts (the state the workspace saves),
 * because these need the scenario parser and its schemas, which load with the panel, not the page.
 */
import type { SocketInfo } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import { MAX_LOG_READ } from '@shared/contract/log-limits';
import { parseScenarioText, type ScenarioInput, type ScenarioProblem } from '@shared/scenario';
import { scenarioFromLog } from '@shared/scenario-record';
import { invoke } from '../../sync/engine';
import { newSequenceId, saveSequences, type SavedSequence, setSequenceError, useSequences } from './sequences';

/** How often a running sequence's status is asked for. */
const POLL_MS = 150;

/** The name in the JSON, or a placeholder while it does not parse. */
export function sequenceName(text: string): string {
  const parsed = parseScenarioText(text);
  return parsed.ok ? parsed.scenario.name : 'Untitled (invalid)';
}

export function checkSequence(text: string): ScenarioProblem[] {
  const parsed = parseScenarioText(text);
  return parsed.ok ? [] : parsed.problems;
}

/** Runs a sequence on a socket (a listener: serves it as a mock) and follows it until it ends. */
export async function runSequence(socket: SocketInfo, sequence: SavedSequence): Promise<void> {
  const socketId = socket.id;
  const parsed = parseScenarioText(sequence.text);
  if (!parsed.ok) {
    const first = parsed.problems[0];
    setSequenceError(socketId, { code: 'INVALID_INPUT', message: `${first.path}: ${first.message}` });
    return;
  }
  const request = { id: socketId, scenario: JSON.parse(sequence.text) as ScenarioInput };
  const started = await invoke(socket.kind === 'tcp-listener' ? 'sequence.serve' : 'sequence.run', request);
  if (!started.ok) {
    setSequenceError(socketId, started.error);
    return;
  }
  setSequenceError(socketId, undefined);
  const { runId } = started.value;
  for (;;) {
    const status = await invoke('sequence.status', { runId });
    if (!status.ok) {
      setSequenceError(socketId, status.error);
      return;
    }
    useSequences.setState((state) => ({ runs: { ...state.runs, [socketId]: status.value } }));
    if (status.value.state !== 'running') return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Where a replay of this socket's log connects: its peer, or for a proxied conversation (whose
 * remote is the client) the server the proxy relayed to.
 */
function peerTarget(socket: SocketInfo): string | undefined {
  const conversation = socket.kind === 'proxy-conversation';
  const peer = conversation ? (socket.conversation?.upstreamRemote ?? socket.proxy?.upstream) : socket.remote;
  if (!peer) return undefined;
  const scheme = conversation && socket.conversation?.protocol === 'udp' ? 'udp' : 'tcp';
  return `${scheme}://${formatEndpoint(peer)}`;
}

/** A sequence made from this socket's log: as a client of the same peer, or as a mock server of it. */
export async function sequenceFromLog(
  socket: SocketInfo,
  play: 'client' | 'server',
): Promise<{ ok: true; text: string; warning?: string } | { ok: false; message: string }> {
  const entries: { dir: 'in' | 'out' | 'event'; bytes?: Uint8Array }[] = [];
  // Bytes a proxy read and never delivered (toxics, dropped held messages) are in no data entry.
  let lost = 0;
  let fromSeq = 0;
  for (let page = 0; page < 50; page++) {
    const result = await invoke('log.read', { id: socket.id, fromSeq, count: MAX_LOG_READ });
    if (!result.ok) return { ok: false, message: result.error.message };
    for (const entry of result.value.entries) {
      entries.push(entry.dir === 'event' ? { dir: 'event' } : { dir: entry.dir, bytes: entry.bytes });
      if (entry.dir === 'event') lost += entry.lost?.bytes ?? 0;
    }
    fromSeq = Math.max(fromSeq, result.value.head.firstSeq) + result.value.entries.length;
    if (fromSeq >= result.value.head.nextSeq || result.value.entries.length === 0) break;
  }
  const kind = socket.importedFrom?.kind ?? socket.kind;
  const recordedAs = kind === 'tcp-connection' ? 'server' : 'client';
  const peer = peerTarget(socket);
  const scenario = scenarioFromLog(entries, {
    name: `${play === 'client' ? 'Replay' : 'Mock'} of ${socket.id}`,
    play,
    recordedAs,
    ...(play === 'client' && recordedAs === 'client' && peer ? { target: peer } : {}),
  });
  if (scenario.steps.length === 0) return { ok: false, message: 'This log has no data yet: send or receive something first' };
  const text = JSON.stringify(scenario, null, 2);
  if (lost === 0) return { ok: true, text };
  const warning = `The log says ${lost.toLocaleString('en-US')} ${lost === 1 ? 'byte was' : 'bytes were'} lost on the way (a toxic or a dropped held message): the steps hold what was delivered, not what was sent`;
  return { ok: true, text, warning };
}

/** One scenario file, or an array of them (an export); each must be valid to be added. */
export async function importSequences(text: string): Promise<{ ok: true; count: number } | { ok: false; message: string }> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const items = Array.isArray(json) ? json : [json];
  const added: SavedSequence[] = [];
  for (const [index, item] of items.entries()) {
    const itemText = JSON.stringify(item, null, 2);
    const problems = checkSequence(itemText);
    if (problems.length)
      return { ok: false, message: `${Array.isArray(json) ? `Scenario ${index + 1}, ` : ''}${problems[0].path}: ${problems[0].message}` };
    added.push({ id: newSequenceId(), text: itemText });
  }
  if (!(await saveSequences(added))) return { ok: false, message: useSequences.getState().storeError ?? 'Not kept' };
  return { ok: true, count: added.length };
}
