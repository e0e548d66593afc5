import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';

/** Room a popover needs below its button before it opens above instead. */
const ROOM_BELOW = 240;
const GAP = 4;
const MARGIN = 8;

export interface PopoverHandle {
  id: string;
  open: boolean;
  setOpen: (open: boolean) => void;
  /** For the button that opens it: the browser then toggles it, and a click on the button does not count as outside. */
  anchorProps: { popoverTarget: string; 'aria-expanded': boolean; 'aria-controls': string };
  close: () => void;
}

export function usePopover(): PopoverHandle {
  const id = useId();
  const [open, setOpen] = useState(false);
  return {
    id,
    open,
    setOpen,
    anchorProps: { popoverTarget: id, 'aria-expanded': open, 'aria-controls': id },
    close: () => document.getElementById(id)?.hidePopover(),
  };
}

interface PopoverProps {
  handle: PopoverHandle;
  anchor: RefObject<HTMLElement | null>;
  /** Accessible name of the menu or panel. */
  label: string;
  role?: 'menu' | 'dialog';
  /** Which edge of the button it lines up with. */
  align?: 'start' | 'end';
  className?: string;
  /** Rendered only while open: a closed popover costs nothing in a long list. */
  children: ReactNode;
}

/**
 * A menu or small panel in the browser's top layer (the popover API): never clipped by the
 * scrolling log or moved by its rows' transforms; Escape and a click outside close it. It opens
 * below its button, or above it near the bottom of the window (the send bar).
 */
export function Popover({ handle, anchor, label, role = 'dialog', align = 'start', className, children }: PopoverProps) {
  const ref = useRef<HTMLDivElement>(null);
  const { setOpen } = handle;

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const beforeToggle = (event: Event): void => {
      if ((event as ToggleEvent).newState === 'open') place(element, anchor.current, align);
    };
    const toggle = (event: Event): void => setOpen((event as ToggleEvent).newState === 'open');
    element.addEventListener('beforetoggle', beforeToggle);
    element.addEventListener('toggle', toggle);
    return () => {
      element.removeEventListener('beforetoggle', beforeToggle);
      element.removeEventListener('toggle', toggle);
    };
  }, [anchor, align, setOpen]);

  return (
    <div
      ref={ref}
      id={handle.id}
      popover="auto"
      role={role}
      aria-label={label}
      // No display utilities here: they would override the browser's display:none while closed.
      className="m-0 overflow-auto rounded-md border border-line-strong bg-panel p-0 text-xs text-fg shadow-lg"
    >
      {handle.open && <div className={className}>{children}</div>}
    </div>
  );
}

/** Positions without measuring the popover (it has no size before it shows): by its edges instead. */
function place(element: HTMLElement, anchor: HTMLElement | null, align: 'start' | 'end'): void {
  if (!anchor) return;
  const rect = anchor.getBoundingClientRect();
  const below = window.innerHeight - rect.bottom;
  const style = element.style;
  style.position = 'fixed';
  style.inset = 'auto';
  if (below >= ROOM_BELOW || below >= rect.top) {
    style.top = `${rect.bottom + GAP}px`;
    style.maxHeight = `${below - GAP - MARGIN}px`;
  } else {
    style.bottom = `${window.innerHeight - rect.top + GAP}px`;
    style.maxHeight = `${rect.top - GAP - MARGIN}px`;
  }
  if (align === 'end') style.right = `${Math.max(MARGIN, window.innerWidth - rect.right)}px`;
  else style.left = `${Math.max(MARGIN, rect.left)}px`;
  style.maxWidth = `${window.innerWidth - 2 * MARGIN}px`;
}
