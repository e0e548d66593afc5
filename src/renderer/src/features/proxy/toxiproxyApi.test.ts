import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command, Input, Output, Result } from '@shared/contract';
import type { ToxiproxyApiStatus } from '@shared/toxiproxy-api';
import { fakeTransport } from '../../test-support/fakeTransport';
import { setTransport } from '../../sync/engine';
import { setToxiproxyApi, startToxiproxyApiSync, useToxiproxyApi } from './toxiproxyApi';

const off: ToxiproxyApiStatus = { address: { host: '127.0.0.1', port: 8474 } };
const on = (port: number): ToxiproxyApiStatus => ({
  serving: { host: '127.0.0.1', port, url: `http://127.0.0.1:${port}` },
  address: { host: '127.0.0.1', port },
});

/** An engine whose answers the test gives when it likes: each command waits in `asked` until answered. */
function slowEngine() {
  const asked: { command: Command; input: unknown; answer: (status: ToxiproxyApiStatus) => void }[] = [];
  const fake = fakeTransport(
    <C extends Command>(command: C, input: Input<C>): Promise<Result<Output<C>>> =>
      new Promise((resolve) => asked.push({ command, input, answer: (status) => resolve({ ok: true, value: status } as Result<Output<C>>) })),
  );
  return { ...fake, asked };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the Toxiproxy API store', () => {
  let engine: ReturnType<typeof slowEngine>;
  let stop: () => void;

  beforeEach(() => {
    useToxiproxyApi.setState({ status: null }, true);
    engine = slowEngine();
    setTransport(engine.transport);
    stop = startToxiproxyApiSync(engine.transport);
  });

  afterEach(() => {
    stop();
    setTransport(undefined);
  });

  it('reads the status when the transport opens, then follows the events of every change', async () => {
    engine.status({ state: 'open' });
    expect(engine.asked.map((ask) => ask.command)).toEqual(['toxiproxyApi.status']);
    engine.asked[0].answer(off);
    await flush();
    expect(useToxiproxyApi.getState().status).toEqual(off);
    engine.emit({ rev: 1, events: [{ type: 'toxiproxyApi.status', status: on(9000) }] });
    expect(useToxiproxyApi.getState().status).toEqual(on(9000));
    stop();
    expect(engine.listeners()).toBe(0);
  });

  it('reads again after batches were lost for this window (a switch may be among them)', async () => {
    engine.status({ state: 'open' });
    engine.asked[0].answer(off);
    await flush();
    engine.resync();
    expect(engine.asked.map((ask) => ask.command)).toEqual(['toxiproxyApi.status', 'toxiproxyApi.status']);
    engine.asked[1].answer(on(9002));
    await flush();
    expect(useToxiproxyApi.getState().status).toEqual(on(9002));
  });

  it('keeps an event over a read answered after it (the first read can come late, while the host loads its engine)', async () => {
    engine.status({ state: 'open' });
    engine.emit({ rev: 1, events: [{ type: 'toxiproxyApi.status', status: on(9000) }] });
    engine.asked[0].answer(off);
    await flush();
    expect(useToxiproxyApi.getState().status).toEqual(on(9000));
  });

  it("shows a switch's answer at once, and a read begun before the switch does not undo it", async () => {
    engine.status({ state: 'open' });
    const turned = setToxiproxyApi(true, 9001);
    expect(engine.asked[1]).toMatchObject({ command: 'toxiproxyApi.set', input: { enabled: true, port: 9001 } });
    engine.asked[1].answer(on(9001));
    expect(await turned).toEqual({ ok: true, value: on(9001) });
    expect(useToxiproxyApi.getState().status).toEqual(on(9001));
    engine.asked[0].answer(off);
    await flush();
    expect(useToxiproxyApi.getState().status).toEqual(on(9001));
  });
});
