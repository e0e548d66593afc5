/**
 * Windows: `netstat -ano` for the sockets and their pids (no administrator needed), `tasklist` for
 * the names of those pids. netstat translates its state names on non-English Windows; a state it
 * does not spell in English is read from the socket's shape instead (no peer means listening).
 */
import { isNoPeer, normalizeTcpState, parseEndpointText, type RawPortRow, type SystemPorts } from './rows';
import { runTool } from './run';

/** Parses `netstat -ano`. Names are left for `tasklist`; see withProcessNames. */
export function parseNetstat(text: string): RawPortRow[] {
  const rows: RawPortRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    const protocol = fields[0]?.toUpperCase();
    if (protocol !== 'TCP' && protocol !== 'UDP') continue;
    // TCP: proto local foreign state pid; UDP has no state: proto local foreign pid.
    const tcp = protocol === 'TCP';
    if (fields.length !== (tcp ? 5 : 4)) continue;
    const local = parseEndpointText(fields[1]);
    if (!local) continue;
    const remote = parseEndpointText(fields[2], local.family);
    const peer = isNoPeer(remote) ? undefined : remote;
    const pid = Number(fields[tcp ? 4 : 3]);
    let state = tcp ? normalizeTcpState(fields[3]) : peer ? 'CONNECTED' : 'BOUND';
    if (state === 'UNKNOWN' && !peer) state = 'LISTEN';
    rows.push({
      protocol: tcp ? 'tcp' : 'udp',
      local,
      remote: peer,
      state,
      // Pid 0 is the idle process: what Windows says for a socket nobody holds (TIME_WAIT).
      pid: Number.isInteger(pid) && pid > 0 ? pid : undefined,
    });
  }
  return rows;
}

/** Parses `tasklist /fo csv /nh`: `"svchost.exe","1052","Services","0","14,372 K"` → pid → name. */
export function parseTasklist(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split(/\r?\n/)) {
    const cells = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((match) => match[1].replaceAll('""', '"'));
    if (cells.length < 2) continue;
    const pid = Number(cells[1]);
    if (Number.isInteger(pid)) names.set(pid, cells[0]);
  }
  return names;
}

export function withProcessNames(rows: readonly RawPortRow[], names: ReadonlyMap<number, string>): RawPortRow[] {
  return rows.map((row) => {
    const name = row.pid === undefined ? undefined : names.get(row.pid);
    return name === undefined ? row : { ...row, process: name };
  });
}

export async function listWindowsPorts(): Promise<SystemPorts> {
  const [netstat, tasklist] = await Promise.all([
    runTool('netstat', ['-ano'], { missing: 'netstat was not found (it ships with Windows in System32)' }),
    runTool('tasklist', ['/fo', 'csv', '/nh'], { missing: 'tasklist was not found (it ships with Windows in System32)' }),
  ]);
  return { rows: withProcessNames(parseNetstat(netstat), parseTasklist(tasklist)), hiddenProcesses: 0, source: 'netstat -ano' };
}
