import { describe, expect, it } from 'vitest';
import { compileUserRegex } from './user-regex';

function compiled(pattern: string) {
  const result = compileUserRegex(pattern);
  if (!result.ok) throw new Error(result.message);
  return result.regex;
}

describe('compileUserRegex', () => {
  it('answers a catastrophic pattern on hostile input in linear time', () => {
    // JavaScript's RegExp takes exponential time here (minutes for 30 000 characters).
    const regex = compiled('(a+)+$');
    const started = performance.now();
    expect(regex.test('a'.repeat(30_000) + 'b')).toBe(false);
    // A loose bound: the point is "not minutes", whatever the machine's load.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('returns numbered and named groups with the match position', () => {
    const match = compiled('GET /(?<path>\\w+) (HTTP/1\\.\\d)').exec('xx GET /index HTTP/1.1\r\n');
    expect(match).toEqual({
      text: 'GET /index HTTP/1.1',
      index: 3,
      groups: ['GET /index HTTP/1.1', 'index', 'HTTP/1.1'],
      named: { path: 'index' },
    });
    expect(compiled('(a)|(b)').exec('b')?.groups).toEqual(['b', undefined, 'b']);
    expect(compiled('z').exec('abc')).toBeNull();
  });

  it('ignores case when asked', () => {
    const result = compileUserRegex('pong', { ignoreCase: true });
    expect(result.ok && result.regex.test('+PONG')).toBe(true);
  });

  it.each([
    ['(?=x)a', /Lookahead and lookbehind/],
    ['(?<!x)a', /Lookahead and lookbehind/],
    ['(a)\\1', /Backreferences/],
    ['(?<n>a)\\k<n>', /Backreferences/],
    ['[a-', /Not a valid regular expression: missing closing \]/],
    ['', /empty/],
  ])('refuses %s with a clear message', (pattern, message) => {
    const result = compileUserRegex(pattern);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});
