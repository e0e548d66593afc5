import { useMatchMark } from './searchRows';

/**
 * Marks a log row that matches the search: a violet band (a colour of its own, apart from the
 * sky and amber of received and sent), stronger and edged for the current match.
 */
export function SearchMark({ seq }: { seq: number }) {
  const mark = useMatchMark(seq);
  if (mark === null) return null;
  return (
    <>
      <span
        aria-hidden="true"
        data-search-mark={mark}
        className={`pointer-events-none absolute inset-0 border-l-2 ${
          mark === 'current' ? 'border-violet-500 bg-violet-500/16' : 'border-violet-400/50 bg-violet-500/7'
        }`}
      />
      <span className="sr-only">{mark === 'current' ? 'Current search match' : 'Search match'}</span>
    </>
  );
}
