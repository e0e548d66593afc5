import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatchList } from './matchList';

describe('MatchList', () => {
  it('numbers matches by absolute index, which dropping from the front does not change', () => {
    const list = new MatchList();
    list.append([3, 7, 9]);
    list.append([12]);
    expect([list.firstIndex, list.nextIndex, list.at(1)]).toEqual([0, 4, 7]);
    expect(list.dropBelow(8)).toBe(true);
    expect([list.firstIndex, list.nextIndex, list.length]).toEqual([2, 4, 2]);
    expect(list.at(1)).toBeUndefined();
    expect(list.at(2)).toBe(9);
    expect(list.dropBelow(5)).toBe(false);
  });

  it('finds where a seq is or would be', () => {
    const list = new MatchList();
    list.append([2, 4, 6]);
    expect([list.lowerBound(0), list.lowerBound(4), list.lowerBound(5), list.lowerBound(99)]).toEqual([0, 1, 2, 3]);
    expect([list.has(4), list.has(5)]).toEqual([true, false]);
  });

  it('agrees with a plain sorted array, however much is dropped and compacted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ add: fc.integer({ min: 1, max: 1500 }) }), fc.record({ drop: fc.integer({ min: 0, max: 20_000 }) })), {
          maxLength: 20,
        }),
        (steps) => {
          const list = new MatchList();
          let model: number[] = [];
          let dropped = 0;
          let next = 0;
          for (const step of steps) {
            if ('add' in step) {
              const seqs = Array.from({ length: step.add }, () => (next += 2));
              list.append(seqs);
              model.push(...seqs);
            } else {
              const kept = model.filter((seq) => seq >= step.drop);
              dropped += model.length - kept.length;
              model = kept;
              list.dropBelow(step.drop);
            }
          }
          expect(list.firstIndex).toBe(dropped);
          expect(list.length).toBe(model.length);
          expect(Array.from({ length: model.length }, (_, i) => list.at(dropped + i))).toEqual(model);
          expect(list.at(dropped - 1)).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });
  it("keeps the matches from a paused view's first on while their entries fall out, and lets them go when told", () => {
    const list = new MatchList();
    list.append([10, 20, 30, 40, 50]);
    list.dropBelow(15);
    expect(list.firstIndex).toBe(1);
    // The view shows matches 2 on (seqs 30, 40, 50): the log moving past them all keeps them.
    list.keepFrom(2);
    expect(list.dropBelow(60)).toBe(true);
    expect(list.firstIndex).toBe(2);
    expect([list.at(2), list.at(3), list.at(4)]).toEqual([30, 40, 50]);
    expect(list.dropBelow(60)).toBe(false);
    // Matches found meanwhile come after them, numbered on.
    list.append([70]);
    expect(list.at(5)).toBe(70);
    list.keepFrom(undefined);
    expect(list.dropBelow(60)).toBe(true);
    expect(list.firstIndex).toBe(5);
    expect(list.at(5)).toBe(70);
  });
});
