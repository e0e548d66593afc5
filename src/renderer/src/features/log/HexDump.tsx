import { memo } from 'react';
import { hexDump } from '@shared/codec';

/** Offset, hex and ASCII columns, 16 bytes a line; the hex in the direction's colour. */
export const HexDump = memo(function HexDump({ bytes, colorClass }: { bytes: Uint8Array; colorClass: string }) {
  const lines = hexDump(bytes);
  return (
    <div className="whitespace-pre">
      {lines.map((line) => (
        <div key={line.offset}>
          <span className="text-faint select-none">{line.offset}</span>
          {'  '}
          <span className={colorClass}>{line.hex}</span>
          {'  '}
          <span className="text-muted">{line.ascii}</span>
        </div>
      ))}
    </div>
  );
});
