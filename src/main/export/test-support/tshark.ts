/** Reading a capture file back with Wireshark's `tshark` (Debian package `tshark`), as a user would. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Checksums validated too: a wrong one shows up as a "Bad" status. */
const CHECK_CHECKSUMS = ['ip.check_checksum:TRUE', 'tcp.check_checksum:TRUE', 'udp.check_checksum:TRUE'].flatMap((o) => ['-o', o]);

/** One row per packet, one column per field (tab-separated by tshark, `a,b` for repeated fields). */
export async function tsharkFields(file: string, fields: string[], filter?: string): Promise<string[][]> {
  const args = ['-r', file, '-n', ...CHECK_CHECKSUMS, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
  if (filter !== undefined) args.push('-Y', filter);
  const { stdout } = await run('tshark', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

/** A temporary folder for capture files, removed by the returned function. */
export function scratchDir(): { path(name: string): string; write(name: string, data: Uint8Array): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-export-'));
  return {
    path: (name) => join(dir, name),
    write: (name, data) => {
      const file = join(dir, name);
      writeFileSync(file, data);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
