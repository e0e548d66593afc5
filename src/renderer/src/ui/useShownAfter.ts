import { useEffect, useState } from 'react';

/**
 * Whether a sign of work going on should show: once `active` has lasted `delayMs` (work that ends
 * sooner never flashes one), or at once when `showNow` says so; it then stays until `active` ends,
 * so that a sign shown does not blink off and on again while the same work goes on.
 */
export function useShownAfter(active: boolean, delayMs: number, showNow = false): boolean {
  const [shown, setShown] = useState(false);
  // Adjusted while rendering rather than in an effect: the sign goes (or comes) in the same paint.
  if (shown && !active) setShown(false);
  if (!shown && active && showNow) setShown(true);
  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(() => setShown(true), delayMs);
    return () => clearTimeout(timer);
  }, [active, delayMs]);
  return active && (shown || showNow);
}
