import { afterEach, describe, expect, it } from 'vitest';
import type { PortFilter, PortList, Result } from '@shared/contract';
import type { Transport } from '../../transport';
import { setTransport } from '../../sync/engine';
import { refreshPorts, usePorts } from './ports';
import { PORTS_ROW_LIMIT } from './portsTable';

const emptyList: PortList = {
  rows: [],
  matched: 0,
  counts: { listening: 0, all: 0 },
  listeningPorts: { tcp: [], udp: [] },
  hiddenProcesses: 0,
  source: '/proc/net',
  takenAt: 0,
};

/** A transport that records each `ports.list` and answers it when the test says. */
function answeringLater(): { asked: PortFilter[]; answerNext: () => void } {
  const asked: PortFilter[] = [];
  const waiting: (() => void)[] = [];
  const transport: Transport = {
    invoke: ((_command: string, input: PortFilter) => {
      asked.push(input);
      return new Promise<Result<PortList>>((resolve) => waiting.push(() => resolve({ ok: true, value: emptyList })));
    }) as Transport['invoke'],
    subscribe: () => () => undefined,
    onStatus: () => () => undefined,
  };
  setTransport(transport);
  return {
    asked,
    answerNext: () => waiting.shift()?.(),
  };
}

/** Lets settled promises run their callbacks. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('refreshPorts', () => {
  afterEach(() => setTransport(undefined));

  it('asks for what the view shows; a refresh for the same view shares the listing under way, one for another view follows it', async () => {
    const host = answeringLater();
    usePorts.setState({ show: 'listening', query: '' });
    const first = refreshPorts();
    const same = refreshPorts();
    expect(host.asked).toEqual([{ listening: true, query: undefined, limit: PORTS_ROW_LIMIT }]);

    usePorts.setState({ show: 'all', query: 'redis' });
    const other = refreshPorts();
    const otherAgain = refreshPorts();
    await settle();
    // Not two listings at once: the All view's waits for the Listening one.
    expect(host.asked).toHaveLength(1);

    host.answerNext();
    await Promise.all([first, same]);
    await settle();
    expect(host.asked).toEqual([
      { listening: true, query: undefined, limit: PORTS_ROW_LIMIT },
      { listening: undefined, query: 'redis', limit: PORTS_ROW_LIMIT },
    ]);
    host.answerNext();
    await Promise.all([other, otherAgain]);
    expect(host.asked).toHaveLength(2);
    expect(usePorts.getState().loading).toBe(false);
  });
});
