import { formatBytes } from '@shared/codec';

/** Received and sent totals, each in its direction's colour. */
export function ByteCounters({ bytesIn, bytesOut, className }: { bytesIn: number; bytesOut: number; className?: string }) {
  return (
    <span className={`inline-flex items-center gap-2.5 font-mono tabular-nums ${className ?? ''}`}>
      <span className="text-rx" title={`${bytesIn} bytes received`}>
        <span aria-hidden="true">↓</span>
        <span className="sr-only">received </span>
        {formatBytes(bytesIn)}
      </span>
      <span className="text-tx" title={`${bytesOut} bytes sent`}>
        <span aria-hidden="true">↑</span>
        <span className="sr-only">sent </span>
        {formatBytes(bytesOut)}
      </span>
    </span>
  );
}
