/**
 * `listen --pcapng/--jsonl`: recordings written as traffic arrives, and the order in which a run
 * ends — stop accepting and reading first, then finish the files, so both describe the same
 * traffic and no client is served after Ctrl-C. A second Ctrl-C stops at once and says what it
 * leaves unwritten.
 */
import { rm } from 'node:fs/promises';
import { formatBytes } from '@shared/codec';
import type { Core } from '../main/core';
import type { Engine } from '../main/engine/engine';
import { Recording } from '../main/capture/recorder';
import type { CaptureFormat } from '../main/export/capture-encoder';
import type { Terminal } from './session';

export interface CaptureFiles {
  paths: string[];
  /** Resolves with the exit code once a signal has stopped the run and the files are finished. */
  stopOnSignals(core: Core): Promise<number>;
  /** Removes the files again (a start that failed after they were opened: they would hold nothing). */
  discard(): Promise<void>;
}

const what: Record<CaptureFormat, [one: string, many: string]> = {
  pcapng: ['packet', 'packets'],
  jsonl: ['log entry', 'log entries'],
};

/** Opens every file asked for (a path that cannot be written fails here) and starts recording. */
export async function startCaptureFiles(engine: Engine, files: Partial<Record<CaptureFormat, string>>, terminal: Terminal): Promise<CaptureFiles> {
  const recordings: Recording[] = [];
  let failed = false;
  try {
    for (const format of ['pcapng', 'jsonl'] as const) {
      const path = files[format];
      if (path === undefined) continue;
      recordings.push(
        await Recording.start(engine, {
          path,
          format,
          onFailure: (message) => {
            failed = true;
            terminal.note(`sockscope: recording stopped: ${message}`);
          },
        }),
      );
    }
  } catch (error) {
    await Promise.all(recordings.map((recording) => recording.stop()));
    throw error;
  }

  const finish = async (): Promise<number> => {
    let code = failed ? 1 : 0;
    for (const recording of recordings) {
      const status = await recording.stop();
      if (status.state === 'failed') {
        code = 1;
        continue;
      }
      const [one, many] = what[status.format];
      terminal.note(`Wrote ${status.path}: ${status.records} ${status.records === 1 ? one : many} (${formatBytes(status.bytesWritten)})`);
      if (status.missingBytes > 0) {
        terminal.note(
          `sockscope: ${status.missingBytes.toLocaleString('en-US')} bytes were no longer held when ${status.path} read the logs (the file marks where)`,
        );
      }
      if (status.lostBytes > 0) {
        terminal.note(
          `sockscope: ${status.lostBytes.toLocaleString('en-US')} bytes were not recorded in ${status.path}: the disk fell behind (the file marks where)`,
        );
        code = 1;
      }
    }
    return code;
  };

  return {
    paths: recordings.map((recording) => recording.path),
    discard: async () => {
      await Promise.all(recordings.map((recording) => recording.stop()));
      await Promise.all(recordings.map((recording) => rm(recording.path, { force: true })));
    },
    stopOnSignals: (core) =>
      new Promise((resolve, reject) => {
        let stopping = false;
        const onSignal = (): void => {
          if (stopping) {
            // The second Ctrl-C: the user would rather stop now than wait for the disk.
            for (const recording of recordings) {
              const unwritten = recording.abandon();
              if (unwritten > 0)
                terminal.note(
                  `sockscope: stopped before ${recording.path} was finished: left ${formatBytes(unwritten)} unwritten (the file ends early)`,
                );
            }
            resolve(130);
            return;
          }
          stopping = true;
          if (recordings.length > 0)
            terminal.note(`Stopping: finishing ${recordings.map((r) => r.path).join(' and ')} (Ctrl-C again to stop at once)`);
          // Closing the sockets first: nothing is accepted or read while the files are finished.
          core.dispose().then(finish).then(resolve, reject);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }),
  };
}
