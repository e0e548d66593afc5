import { useId, useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import type { SocketInfo } from '@shared/contract';
import type { SequenceStepStatus } from '@shared/sequences';
import {
  canRunSequences,
  exportSequences,
  NEW_SEQUENCE_TEXT,
  newSequenceId,
  removeSequence,
  saveSequence,
  setSequencesPanelOpen,
  stopSequence,
  recordsSequences,
  takesSequences,
  useSequences,
  type SavedSequence,
} from './sequences';
import { checkSequence, importSequences, runSequence, sequenceFromLog, sequenceName } from './sequenceScenarios';
import { PencilIcon, PlusIcon, StopIcon, TrashIcon } from '../../ui/Icons';
import { SidePanel } from '../../ui/SidePanel';
import { refuseLongInsert, takesAtMost } from '../../ui/pasteGuard';

/**
 * Beside the log of a connection: the user's sequences as buttons (each runs its steps on this
 * socket), the live status of the run, and the JSON editor they are written in.
 */
export function SequencesPanel({ socket }: { socket: SocketInfo }) {
  const open = useSequences((state) => state.open);
  const sequences = useSequences((state) => state.sequences);
  const run = useSequences((state) => state.runs[socket.id]);
  const runError = useSequences((state) => state.errors[socket.id]);
  const storeError = useSequences((state) => state.storeError);
  const [editing, setEditing] = useState<SavedSequence | null>(null);
  const [note, setNote] = useState<{ tone: 'error' | 'muted'; text: string } | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  if (!open || !recordsSequences(socket)) return null;
  const canRun = canRunSequences(socket);
  const serves = socket.kind === 'tcp-listener';
  const running = run?.state === 'running';

  const fromLog = async (play: 'client' | 'server'): Promise<void> => {
    const made = await sequenceFromLog(socket, play);
    if (!made.ok) return setNote({ tone: 'error', text: made.message });
    setEditing({ id: newSequenceId(), text: made.text });
    setNote(made.warning === undefined ? null : { tone: 'muted', text: made.warning });
  };

  const importFile = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    const result = await importSequences(await file.text());
    setNote(
      result.ok
        ? { tone: 'muted', text: `Imported ${result.count} sequence${result.count === 1 ? '' : 's'}` }
        : { tone: 'error', text: result.message },
    );
  };

  return (
    <SidePanel
      title="Sequences"
      subtitle={
        serves
          ? 'a mock server on every connection'
          : takesSequences(socket)
            ? 'send / expect steps on this socket'
            : 'made from this log, run on a connection'
      }
      width="w-[380px]"
      onClose={() => setSequencesPanelOpen(false)}
    >
      <div className="flex flex-wrap gap-1.5">
        <PanelButton onClick={() => setEditing({ id: newSequenceId(), text: NEW_SEQUENCE_TEXT })}>
          <PlusIcon className="size-3.5 text-muted" />
          New
        </PanelButton>
        <PanelButton onClick={() => fileRef.current?.click()}>Import JSON</PanelButton>
        <PanelButton disabled={sequences.length === 0} onClick={() => setNote({ tone: 'muted', text: `Exported ${exportSequences()} sequences` })}>
          Export
        </PanelButton>
        <PanelButton title="What was sent becomes send steps, what was received exact expect steps" onClick={() => void fromLog('client')}>
          Log → client
        </PanelButton>
        <PanelButton title="Answers each recorded request with its recorded response (sockscope mock)" onClick={() => void fromLog('server')}>
          Log → mock
        </PanelButton>
        <input
          ref={fileRef}
          type="file"
          accept="application/json,.json"
          className="hidden"
          aria-label="Import sequences file"
          onChange={(e) => void importFile(e.target.files?.[0])}
        />
      </div>
      {note && (
        <p role={note.tone === 'error' ? 'alert' : 'status'} className={`mt-1.5 text-[11px] ${note.tone === 'error' ? 'text-danger' : 'text-muted'}`}>
          {note.text}
        </p>
      )}

      {storeError && (
        <p role="alert" className="mt-2 text-[11px] leading-snug text-danger">
          {storeError}
        </p>
      )}
      {editing && <SequenceEditor key={editing.id} sequence={editing} onDone={() => setEditing(null)} />}

      <h3 className="mt-3 mb-1.5 text-[11px] font-semibold tracking-wide text-muted uppercase">On this socket</h3>
      {sequences.length === 0 ? (
        <p className="rounded-md border border-dashed border-line-strong px-3 py-4 text-center text-xs text-muted">
          No sequences yet. Create one with New, import a scenario file, or make one from this log.
        </p>
      ) : (
        <ul aria-label="Saved sequences" className="flex flex-col gap-1">
          {sequences.map((sequence) => {
            const name = sequenceName(sequence.text);
            return (
              <li key={sequence.id} className="flex items-center gap-1">
                <button
                  type="button"
                  aria-label={`${serves ? 'Serve' : 'Run'} ${name}`}
                  disabled={!canRun || running}
                  title={
                    canRun
                      ? serves
                        ? `Answer every connection ${socket.id} accepts with these steps`
                        : `Run on ${socket.id}`
                      : 'Open a connection to run sequences on it'
                  }
                  onClick={() => void runSequence(socket, sequence)}
                  className="min-w-0 flex-1 truncate rounded border border-line-strong bg-canvas px-2 py-1 text-left text-xs text-fg hover:bg-hover disabled:cursor-not-allowed disabled:opacity-50"
                >
                  {serves ? '⇄' : '▶'} {name}
                </button>
                <button
                  type="button"
                  aria-label={`Edit ${name}`}
                  onClick={() => setEditing(sequence)}
                  className="rounded p-1 text-muted hover:bg-hover hover:text-fg"
                >
                  <PencilIcon className="size-3.5" />
                </button>
                <button
                  type="button"
                  aria-label={`Delete ${name}`}
                  onClick={() => void removeSequence(sequence.id)}
                  className="rounded p-1 text-muted hover:bg-hover hover:text-danger"
                >
                  <TrashIcon className="size-3.5" />
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {runError && (
        <p role="alert" className="mt-2 text-[11px] leading-snug text-danger">
          {runError.message}
        </p>
      )}

      {run && (
        <section aria-label="Sequence run" className="mt-3">
          <div className="mb-1.5 flex items-center gap-2">
            <h3 className="min-w-0 truncate text-xs font-medium text-fg">{run.name}</h3>
            <RunBadge state={run.state} />
            <span className="font-mono text-[11px] text-muted">{Math.round(run.ms)} ms</span>
            {running && (
              <button
                type="button"
                onClick={() => void stopSequence(run.runId)}
                className="ml-auto inline-flex h-6 items-center gap-1 rounded border border-danger/40 bg-canvas px-2 text-xs text-danger hover:bg-danger/8"
              >
                <StopIcon className="size-3" />
                Stop
              </button>
            )}
          </div>
          {run.earlierSteps > 0 && <p className="text-[11px] text-muted">{run.earlierSteps} earlier steps not shown</p>}
          <ol aria-label="Steps" className="flex flex-col gap-0.5">
            {run.steps.map((step, index) => (
              <StepRow key={`${step.path}/${step.iteration.join('.')}/${index}`} step={step} />
            ))}
          </ol>
        </section>
      )}
    </SidePanel>
  );
}

function PanelButton({ children, ...props }: React.ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      type="button"
      {...props}
      className="inline-flex h-6 items-center gap-1 rounded border border-line-strong bg-canvas px-1.5 text-xs text-fg hover:bg-hover disabled:cursor-not-allowed disabled:opacity-50"
    >
      {children}
    </button>
  );
}

/** Room for 10,000 steps of usual size; its JSON is parsed and checked as it is typed. */
const SCENARIO_TEXT_CHARS = 4 * 1024 * 1024;

const STATE_STYLE: Record<SequenceStepStatus['state'], { mark: string; className: string; label: string }> = {
  running: { mark: '…', className: 'text-accent', label: 'running' },
  passed: { mark: '✓', className: 'text-ok', label: 'passed' },
  failed: { mark: '✗', className: 'text-danger', label: 'failed' },
  stopped: { mark: '■', className: 'text-muted', label: 'stopped' },
};

function RunBadge({ state }: { state: SequenceStepStatus['state'] }) {
  const style = STATE_STYLE[state];
  return <span className={`rounded-sm px-1 text-[11px] font-medium ${style.className}`}>{style.label}</span>;
}

function StepRow({ step }: { step: SequenceStepStatus }) {
  const style = STATE_STYLE[step.state];
  const where = step.iteration.length ? ` (round ${step.iteration.join('.')})` : '';
  return (
    <li aria-label={`${step.label}: ${style.label}`} className="rounded px-1.5 py-0.5 hover:bg-hover">
      <div className="flex items-baseline gap-1.5 text-xs">
        <span aria-hidden="true" className={`w-3 shrink-0 text-center ${style.className}`}>
          {style.mark}
        </span>
        <span className="min-w-0 flex-1 truncate font-mono text-fg" title={step.label}>
          {step.label}
          <span className="text-muted">{where}</span>
        </span>
        {step.ms !== undefined && <span className="shrink-0 font-mono text-[11px] text-muted">{step.ms} ms</span>}
      </div>
      {step.detail && (
        <div className={`ml-4.5 truncate font-mono text-[11px] ${step.state === 'failed' ? 'text-danger' : 'text-muted'}`} title={step.detail}>
          {step.detail}
        </div>
      )}
    </li>
  );
}

/** The scenario JSON, checked as it is typed: each problem with the field it is in. */
function SequenceEditor({ sequence, onDone }: { sequence: SavedSequence; onDone: () => void }) {
  const [text, setText] = useState(sequence.text);
  const [refused, setRefused] = useState<string | null>(null);
  const problems = checkSequence(text);
  const guardInsert = (event: ClipboardEvent<HTMLTextAreaElement> | DragEvent<HTMLTextAreaElement>): void =>
    setRefused(refuseLongInsert(event, SCENARIO_TEXT_CHARS, takesAtMost("a scenario's editor", SCENARIO_TEXT_CHARS)));
  const problemsId = useId();
  return (
    <div className="mt-2.5 rounded-md border border-line bg-canvas p-2">
      <label className="text-[11px] font-medium text-muted" htmlFor={`${problemsId}-text`}>
        Scenario JSON
      </label>
      <textarea
        id={`${problemsId}-text`}
        aria-label="Scenario JSON"
        aria-invalid={problems.length > 0}
        aria-describedby={problemsId}
        spellCheck={false}
        value={text}
        onChange={(event) => {
          setRefused(null);
          setText(event.target.value);
        }}
        onPaste={guardInsert}
        onDrop={guardInsert}
        rows={12}
        className="mt-1 w-full resize-y rounded border border-line-strong bg-panel p-1.5 font-mono text-xs text-fg"
      />
      <div id={problemsId} className="mt-1 text-[11px] leading-snug">
        {refused ? (
          <p role="alert" className="text-danger">
            {refused}
          </p>
        ) : problems.length === 0 ? (
          <span className="text-muted">Valid. Steps: send, expect (exact / contains / regex / hex), delay, repeat, connect, close.</span>
        ) : (
          <ul role="alert" className="text-danger">
            {problems.slice(0, 4).map((problem) => (
              <li key={`${problem.path}:${problem.message}`}>
                <span className="font-mono">{problem.path}</span>: {problem.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="mt-2 flex justify-end gap-1.5">
        <PanelButton onClick={onDone}>Cancel</PanelButton>
        <PanelButton
          disabled={problems.length > 0}
          onClick={() => {
            void saveSequence({ id: sequence.id, text });
            onDone();
          }}
        >
          Save sequence
        </PanelButton>
      </div>
    </div>
  );
}
