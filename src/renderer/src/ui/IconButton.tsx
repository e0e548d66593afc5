import type { ReactNode } from 'react';

interface IconButtonProps {
  /** What it does, for screen readers; the tooltip says it too unless `title` is given. */
  label: string;
  title?: string;
  onClick: () => void;
  /** It removes or closes something: it turns red under the pointer. */
  destructive?: boolean;
  className?: string;
  children: ReactNode;
}

/** A small icon-only button in a row or a panel header (edit, remove, close). */
export function IconButton({ label, title, onClick, destructive, className = '', children }: IconButtonProps) {
  return (
    <button
      type="button"
      aria-label={label}
      title={title ?? label}
      onClick={onClick}
      className={`rounded p-0.5 text-muted hover:bg-hover ${destructive ? 'hover:text-danger' : 'hover:text-fg'} ${className}`}
    >
      {children}
    </button>
  );
}
