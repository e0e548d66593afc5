/**
 * The seqs of a search's matches, ascending, numbered by absolute index: matches that fall out of
 * the log's ring leave from the front without renumbering the rest, so a filtered view's rows
 * (and their measured heights) stay put while a busy log drops its oldest entries.
 */
export class MatchList {
  private seqs: number[] = [];
  /** Index in `seqs` of the first held match. */
  private start = 0;
  /** Matches dropped from the front since the list began. */
  private dropped = 0;
  /** A paused view's first kept match (absolute index): dropBelow leaves it and those after it. */
  private keep: number | undefined;

  /** Absolute index of the first held match. */
  get firstIndex(): number {
    return this.dropped;
  }

  /** One past the absolute index of the last match. */
  get nextIndex(): number {
    return this.dropped + this.seqs.length - this.start;
  }

  get length(): number {
    return this.seqs.length - this.start;
  }

  /** The seq of the match at an absolute index, if held. */
  at(index: number): number | undefined {
    const i = index - this.dropped + this.start;
    return i >= this.start && i < this.seqs.length ? this.seqs[i] : undefined;
  }

  /** Appends seqs greater than every seq held (a search moving forward). */
  append(seqs: readonly number[]): void {
    for (const seq of seqs) this.seqs.push(seq);
  }

  /** Absolute index of the first match with seq >= `seq` (nextIndex if none). */
  lowerBound(seq: number): number {
    let low = this.start;
    let high = this.seqs.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.seqs[mid] < seq) low = mid + 1;
      else high = mid;
    }
    return low - this.start + this.dropped;
  }

  has(seq: number): boolean {
    return this.at(this.lowerBound(seq)) === seq;
  }

  /**
   * Keeps the matches from absolute index `index` on when their entries fall out of the log (a
   * paused view still shows them, see searchRows), or, undefined, no longer.
   */
  keepFrom(index: number | undefined): void {
    this.keep = index;
  }

  /** Forgets matches below `seq` (they fell out of the log), but those kept (keepFrom). True if any went. */
  dropBelow(seq: number): boolean {
    const index = this.keep === undefined ? this.lowerBound(seq) : Math.min(this.lowerBound(seq), this.keep);
    const gone = index - this.dropped;
    if (gone <= 0) return false;
    this.start += gone;
    this.dropped += gone;
    // Compact once the dead front is as large as the rest, so memory stays proportional.
    if (this.start > 1024 && this.start * 2 > this.seqs.length) {
      this.seqs = this.seqs.slice(this.start);
      this.start = 0;
    }
    return true;
  }
}
