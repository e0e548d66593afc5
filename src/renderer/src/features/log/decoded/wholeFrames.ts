import { useEffect, useState } from 'react';
import type { ErrorInfo } from '@shared/contract';
import { invoke } from '../../../sync/engine';

/**
 * Whole frames for the Decoded view: a log read gives a frame's first MiB, so a longer one is
 * read again, whole, when its row is decoded. A few are kept, since a row scrolled away and back
 * asks again; each can be MiBs.
 */
const KEPT = 4;
const kept = new Map<string, Uint8Array>();

type WholeFrame = { bytes: Uint8Array } | { error: ErrorInfo } | undefined;

/** The whole frame `index` of socket `id` once read; undefined while it is on its way or not `wanted`. */
export function useWholeFrame(id: string, index: number | undefined, wanted: boolean): WholeFrame {
  const key = `${id}#${index ?? ''}`;
  const [result, setResult] = useState<{ key: string; frame: WholeFrame }>();
  const cached = kept.get(key);
  useEffect(() => {
    if (!wanted || index === undefined || kept.has(key)) return;
    let current = true;
    void invoke('log.readFrameBytes', { id, index }).then((read) => {
      if (read.ok) {
        kept.set(key, read.value.bytes);
        if (kept.size > KEPT) kept.delete(kept.keys().next().value ?? key);
      }
      if (current) setResult({ key, frame: read.ok ? { bytes: read.value.bytes } : { error: read.error } });
    });
    return () => {
      current = false;
    };
  }, [id, index, key, wanted]);
  if (!wanted) return undefined;
  if (cached) return { bytes: cached };
  return result?.key === key ? result.frame : undefined;
}
