import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues, issuePath } from './zod-issues';

const Settings = z.object({
  port: z.number().max(65535, 'Port must be between 0 and 65535'),
  rules: z.array(z.object({ pattern: z.string().min(1, 'A pattern is required') })),
  name: z.string('Name must be text'),
});

function errorOf(schema: z.ZodType, value: unknown): z.ZodError {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a failure');
  return parsed.error;
}

describe('describing a zod error to the user', () => {
  it('names where each problem is with a dotted path, array indexes included', () => {
    const error = errorOf(Settings, { port: 70000, rules: [{ pattern: 'a' }, { pattern: '' }], name: 1 });
    expect(describeIssues(error)).toBe('port: Port must be between 0 and 65535');
    expect(describeIssues(error, 5)).toBe('port: Port must be between 0 and 65535; rules.1.pattern: A pattern is required; name: Name must be text');
    expect(issuePath(error.issues[1])).toBe('rules.1.pattern');
  });

  it('gives the bare message for a problem with the whole value', () => {
    expect(describeIssues(errorOf(z.string('Expected text'), 3))).toBe('Expected text');
  });

  it('says at most as many problems as asked', () => {
    const error = errorOf(z.array(z.number('Not a number')), ['a', 'b', 'c']);
    expect(describeIssues(error, 2)).toBe('0: Not a number; 1: Not a number');
  });
});
