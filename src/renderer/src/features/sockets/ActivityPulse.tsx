import { useState } from 'react';

/**
 * A dot that flashes whenever bytes move. Keying the animated element on the activity time
 * restarts the animation on each change, with no timers; activity from before the row appeared
 * (a scrolled-in row, a fresh window) does not flash.
 */
export function ActivityPulse({ lastActivityAt }: { lastActivityAt: number | undefined }) {
  const [seenAtMount] = useState(lastActivityAt);
  return (
    <span aria-hidden="true" className="relative inline-block size-[7px] shrink-0">
      {lastActivityAt !== undefined && lastActivityAt !== seenAtMount && (
        <span key={lastActivityAt} className="absolute inset-0 animate-activity rounded-full bg-emerald-500 opacity-0" />
      )}
    </span>
  );
}
