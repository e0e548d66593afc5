import { describe, expect, it } from 'vitest';
import { runTool } from './run';

const node = process.execPath;

describe('runTool', () => {
  it('returns what the tool printed', async () => {
    await expect(runTool(node, ['-e', 'process.stdout.write("listing")'], { missing: 'x' })).resolves.toBe('listing');
  });

  it('says what to install when the tool is missing', async () => {
    await expect(runTool('sockscope-no-such-tool', [], { missing: 'Install the tool.' })).rejects.toMatchObject({
      code: 'TOOL_MISSING',
      message: 'Install the tool.',
    });
  });

  it('reports a failing tool with the first line it wrote to stderr', async () => {
    const script = 'process.stderr.write("permission denied\\nmore\\n"); process.exit(3)';
    await expect(runTool(node, ['-e', script], { missing: 'x' })).rejects.toMatchObject({
      code: 'TOOL_FAILED',
      message: `${node} failed: permission denied`,
    });
  });

  it('keeps the output of an exit code the caller accepts (lsof exits 1 after skipping a process)', async () => {
    const script = 'process.stdout.write("partial"); process.exit(1)';
    await expect(runTool(node, ['-e', script], { missing: 'x', acceptExitCodes: [1] })).resolves.toBe('partial');
  });

  it('gives up on a tool that hangs', async () => {
    await expect(runTool(node, ['-e', 'setTimeout(() => {}, 10000)'], { missing: 'x', timeoutMs: 300 })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
      message: `${node} did not finish within 0.3 s`,
    });
  });
});
