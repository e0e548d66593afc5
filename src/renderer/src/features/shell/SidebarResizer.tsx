import type { KeyboardEvent, PointerEvent } from 'react';
import { clampSidebarWidth, setPreference, SIDEBAR_WIDTH, usePreferences } from './preferences';

/** The border between the socket list and the pane: drag it, or focus it and use the arrow keys. */
export function SidebarResizer() {
  const width = usePreferences((state) => state.sidebarWidth);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>): void => {
    event.preventDefault();
    const handle = event.currentTarget;
    handle.setPointerCapture(event.pointerId);
    const startX = event.clientX;
    const startWidth = width;
    const move = (moveEvent: globalThis.PointerEvent): void => {
      setPreference('sidebarWidth', clampSidebarWidth(startWidth + moveEvent.clientX - startX));
    };
    const stop = (): void => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', stop);
      handle.removeEventListener('pointercancel', stop);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', stop);
    handle.addEventListener('pointercancel', stop);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const step = event.shiftKey ? 48 : 16;
    const next =
      event.key === 'ArrowLeft'
        ? width - step
        : event.key === 'ArrowRight'
          ? width + step
          : event.key === 'Home'
            ? SIDEBAR_WIDTH.min
            : event.key === 'End'
              ? SIDEBAR_WIDTH.max
              : null;
    if (next === null) return;
    event.preventDefault();
    setPreference('sidebarWidth', clampSidebarWidth(next));
  };

  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize socket list"
      aria-valuemin={SIDEBAR_WIDTH.min}
      aria-valuemax={SIDEBAR_WIDTH.max}
      aria-valuenow={width}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
      onDoubleClick={() => setPreference('sidebarWidth', SIDEBAR_WIDTH.initial)}
      className="group relative z-10 -mx-[3px] w-[7px] shrink-0 cursor-col-resize outline-none"
    >
      <span className="absolute inset-y-0 left-[3px] w-px bg-line group-hover:bg-accent group-focus-visible:bg-accent group-active:bg-accent" />
    </div>
  );
}
