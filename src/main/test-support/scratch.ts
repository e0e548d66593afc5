import { afterEach, beforeEach } from 'vitest';
import { scratchDir } from '../export/test-support/tshark';

type ScratchDir = ReturnType<typeof scratchDir>;

/** A fresh scratch folder for each test, removed after it; the object returned always names the current one. */
export function scratchDirEachTest(): Omit<ScratchDir, 'remove'> {
  let current: ScratchDir | undefined;
  beforeEach(() => {
    current = scratchDir();
  });
  afterEach(() => {
    current?.remove();
    current = undefined;
  });
  const dir = (): ScratchDir => {
    if (!current) throw new Error('scratchDirEachTest: no test is running');
    return current;
  };
  return { path: (name) => dir().path(name), write: (name, data) => dir().write(name, data) };
}
