import { useRef } from 'react';
import { Popover, usePopover } from '../../ui/Popover';
import { ToxiproxyApiForm } from './ToxiproxyApiForm';
import { useToxiproxyApi } from './toxiproxyApi';

/**
 * The Toxiproxy-compatible HTTP API, on or off, in the status bar: where it serves when on, why it
 * could not start when the port is taken. It shows main's status (toxiproxyApi.ts), whoever turned
 * the API on or off: this window, another, the command line or a restored workspace.
 */
export function ToxiproxyApiControl() {
  const popover = usePopover();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const status = useToxiproxyApi((state) => state.status);
  const serving = status?.serving;

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        {...popover.anchorProps}
        title="Toxiproxy's HTTP API for the proxies, so test suites written for Toxiproxy's clients can drive them"
        className={`flex shrink-0 items-center gap-1.5 whitespace-nowrap hover:text-fg hover:underline ${status?.error && !serving ? 'text-danger' : ''}`}
      >
        <span aria-hidden="true" className={`size-[7px] rounded-full ${serving ? 'bg-emerald-500' : 'bg-zinc-400'}`} />
        Toxiproxy API {serving ? <span className="font-mono">{`${serving.host}:${serving.port}`}</span> : status?.error ? 'failed' : 'off'}
      </button>
      <Popover handle={popover} anchor={buttonRef} label="Toxiproxy API" role="dialog" className="w-80 p-3 text-xs">
        {/* Made anew each time the panel opens (a popover renders its content only while open). */}
        <ToxiproxyApiForm status={status} />
      </Popover>
    </>
  );
}
