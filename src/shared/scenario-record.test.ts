import { describe, expect, it } from 'vitest';
import { Scenario } from './scenario';
import { scenarioFromLog } from './scenario-record';

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('a sequence made from a log', () => {
  const log = [
    { dir: 'event' as const },
    { dir: 'out' as const, bytes: enc('GET /') },
    { dir: 'out' as const, bytes: enc(' {{x}}\r\n') },
    { dir: 'in' as const, bytes: Uint8Array.of(0, 1, 2, 0xff, 0x41) },
    { dir: 'out' as const, bytes: enc('bye') },
  ];

  it('as a client: sends what was sent (merged, braces kept literal), expects what was received exactly (hex when binary)', () => {
    const scenario = scenarioFromLog(log, { name: 'c', play: 'client', recordedAs: 'client', target: 'tcp://127.0.0.1:80' });
    expect(scenario).toEqual({
      name: 'c',
      target: 'tcp://127.0.0.1:80',
      steps: [{ send: 'GET / \\{\\{x}}\\r\\n' }, { expect: { hex: '00 01 02 ff 41' } }, { send: 'bye' }],
    });
    // And it is a valid scenario whose send gives back the recorded bytes.
    expect(Scenario.safeParse(scenario).success).toBe(true);
  });

  it('as a mock server, the roles turn round', () => {
    const scenario = scenarioFromLog(log, { name: 'm', play: 'server', recordedAs: 'client' });
    expect(scenario.steps).toEqual([
      { expect: { exact: 'GET / \\{\\{x}}\\r\\n' } },
      { send: '00 01 02 ff 41', format: 'hex' },
      { expect: { exact: 'bye' } },
    ]);
  });
});
