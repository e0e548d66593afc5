import { type RefObject, useEffect } from 'react';
import { focusTakenOnOpen, useUi } from './ui';

/**
 * Focuses `field` when its socket has just been opened from a New… dialog, so that what a
 * keyboard user types next goes there rather than to the page (the dialog's opener may be none).
 */
export function useFocusOnOpen(socketId: string, field: RefObject<HTMLElement | null>): void {
  const requested = useUi((state) => state.focusOnOpen === socketId);
  useEffect(() => {
    if (!requested) return;
    field.current?.focus();
    focusTakenOnOpen();
  }, [requested, field]);
}
