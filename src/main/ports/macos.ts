/**
 * macOS: `lsof -nP -iTCP -iUDP` in its field output (-F), which is made for programs: one field a
 * line, so process names with spaces ("Google Chrome He") and odd columns cannot shift anything.
 * Without root, lsof lists only the user's own processes.
 */
import type { Endpoint } from '@shared/contract';
import { isNoPeer, normalizeTcpState, parseEndpointText, type RawPortRow, type SystemPorts } from './rows';
import { runTool } from './run';

/** p pid, c command, f fd, t type (IPv4/IPv6), d socket id, P protocol, n name, T TCP state. */
export const lsofArgs = ['-nP', '-iTCP', '-iUDP', '-FpcftdPnT'];

interface FileFields {
  type?: string;
  device?: string;
  protocol?: string;
  name?: string;
  state?: string;
}

/** The one-letter fields of a file set that are kept as they are. */
const fileFields: Record<string, Exclude<keyof FileFields, 'state'>> = { t: 'type', d: 'device', P: 'protocol', n: 'name' };

/** Parses `lsof -F` output as lsofArgs asks for it; one row per socket, credited to its lowest pid. */
export function parseLsof(text: string): RawPortRow[] {
  const rows = new Map<string, RawPortRow>();
  let pid: number | undefined;
  let command: string | undefined;
  let file: FileFields | undefined;
  let fileIndex = 0;

  const flush = (): void => {
    if (!file) return;
    const row = toRow(file, pid, command);
    // One socket held by several processes (a forked server) is listed once per process.
    const key = file.device ?? `file ${fileIndex++}`;
    const existing = rows.get(key);
    if (row && (!existing || (existing.pid ?? Infinity) > (row.pid ?? Infinity))) rows.set(key, row);
    file = undefined;
  };

  for (const line of text.split('\n')) {
    if (line === '') continue;
    const field = line[0];
    const value = line.slice(1);
    if (field === 'p') {
      flush();
      pid = Number(value);
      command = undefined;
    } else if (field === 'c') {
      command = value;
    } else if (field === 'f') {
      flush();
      file = {};
    } else if (file && field === 'T') {
      if (value.startsWith('ST=')) file.state = value.slice(3);
    } else if (file && Object.hasOwn(fileFields, field)) {
      file[fileFields[field]] = value;
    }
  }
  flush();
  return [...rows.values()];
}

function toRow(file: FileFields, pid: number | undefined, command: string | undefined): RawPortRow | undefined {
  const protocol = file.protocol?.toUpperCase() === 'TCP' ? 'tcp' : file.protocol?.toUpperCase() === 'UDP' ? 'udp' : undefined;
  if (!protocol || !file.name) return undefined;
  const family: Endpoint['family'] = file.type === 'IPv6' ? 'IPv6' : 'IPv4';
  const [localText, remoteText] = file.name.split('->');
  const local = parseEndpointText(localText, family);
  if (!local) return undefined;
  const remote = remoteText === undefined ? undefined : parseEndpointText(remoteText, family);
  const peer = isNoPeer(remote) ? undefined : remote;
  return {
    protocol,
    local,
    remote: peer,
    state: protocol === 'tcp' ? normalizeTcpState(file.state ?? '') : peer ? 'CONNECTED' : 'BOUND',
    pid,
    process: command,
  };
}

export async function listMacosPorts(): Promise<SystemPorts> {
  const output = await runTool('lsof', lsofArgs, {
    missing: 'lsof was not found; it ships with macOS at /usr/sbin/lsof',
    // lsof exits with 1 when nothing matched or when it could not inspect some process.
    acceptExitCodes: [1],
  });
  const rows = parseLsof(output);
  const root = process.getuid?.() === 0;
  return {
    rows,
    hiddenProcesses: 0,
    source: 'lsof',
    note: root ? undefined : 'macOS shows only the sockets of your own processes; run Sockscope with sudo to see every process.',
  };
}
