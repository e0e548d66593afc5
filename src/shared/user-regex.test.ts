import { beforeAll, describe, expect, it, vi } from 'vitest';
import { compileUserRegex, loadUserRegex } from './user-regex';

beforeAll(() => loadUserRegex());

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

describe('the regex engine, loaded on first use', () => {
  it('is not loaded with the module: a compile before it is loaded says so, and withUserRegex loads it and checks again', async () => {
    vi.resetModules();
    const fresh = await import('./user-regex');
    // Refusals that need no engine still answer.
    expect(fresh.compileUserRegex('(?=x)a')).toMatchObject({ ok: false });
    expect(() => fresh.compileUserRegex('a+')).toThrow(fresh.UserRegexNotLoaded);
    let checks = 0;
    const result = await fresh.withUserRegex(() => {
      checks++;
      return fresh.compileUserRegex('(a+)+$');
    });
    expect(checks).toBe(2);
    expect(result.ok && result.regex.test('aaa')).toBe(true);
    // Loaded now: a check runs once.
    checks = 0;
    await fresh.withUserRegex(() => (checks++, fresh.compileUserRegex('b')));
    expect(checks).toBe(1);
  });
});
