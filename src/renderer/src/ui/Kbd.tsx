import type { ReactNode } from 'react';

/** A keyboard shortcut hint. */
export function Kbd({ children }: { children: ReactNode }) {
  return <kbd className="rounded-[3px] border border-line-strong bg-chrome px-1 py-px font-mono text-[10px] leading-none text-muted">{children}</kbd>;
}
