import type { ReactNode } from 'react';
import { CloseIcon } from './Icons';
import { IconButton } from './IconButton';

interface SidePanelProps {
  /** The panel's name: its heading and its accessible name. */
  title: string;
  /** What the panel acts on, beside the title. */
  subtitle: ReactNode;
  /** Tailwind width class; the panel overlays the log on narrow windows and sits beside it on wide ones. */
  width: string;
  onClose: () => void;
  children: ReactNode;
}

/** A panel beside a socket's log (auto-replies, sequences): a header with a close button over a scrolling body. */
export function SidePanel({ title, subtitle, width, onClose, children }: SidePanelProps) {
  return (
    <aside
      aria-label={title}
      className={`absolute inset-y-0 right-0 z-10 flex ${width} max-w-full shrink-0 flex-col border-l border-line bg-panel shadow-xl @[960px]:static @[960px]:shadow-none`}
    >
      <div className="flex items-center gap-2 border-b border-line px-3 py-2">
        <h2 className="text-xs font-semibold text-fg">{title}</h2>
        <span className="text-[11px] text-muted">{subtitle}</span>
        <IconButton label={`Close ${title.toLowerCase()}`} title="Close" onClick={onClose} className="ml-auto">
          <CloseIcon className="size-3.5" />
        </IconButton>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-3 py-2.5">{children}</div>
    </aside>
  );
}
