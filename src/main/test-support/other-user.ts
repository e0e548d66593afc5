/**
 * Running the CLI as another user (nobody) in tests: only possible when that user can read the
 * checkout. A clone made in `mktemp -d` (mode 0700) is readable by its owner alone.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export const NOBODY = { uid: 65534, gid: 65534 };

const root = resolve(__dirname, '../../..');

/** True when user nobody can read the CLI's source and the tsx that runs it. */
export function checkoutReadableByNobody(): Promise<boolean> {
  const paths = [resolve(root, 'src/cli/index.ts'), resolve(root, 'node_modules/tsx/package.json')];
  return new Promise((done) =>
    execFile(process.execPath, ['-e', 'for (const p of process.argv.slice(1)) require("fs").accessSync(p)', ...paths], NOBODY, (error) =>
      done(!error),
    ),
  );
}

export const NOT_READABLE_BY_NOBODY = 'the checkout is not readable by user nobody, so the CLI cannot run as another user';
