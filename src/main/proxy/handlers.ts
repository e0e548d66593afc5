/** The `proxy.*` commands (src/shared/proxy.ts), spread into dispatch's handlers. */
import type { Output, ParsedInput } from '@shared/contract';
import type { Engine } from '../engine/engine';
import type { proxyCommands } from '@shared/proxy';
import { proxiesOf } from './service';

type ProxyCommand = Extract<keyof typeof proxyCommands, string>;

type ProxyHandlers = { [C in ProxyCommand]: (engine: Engine, input: ParsedInput<C>) => Promise<Output<C>> | Output<C> };

const ok = {};

export const proxyHandlers: ProxyHandlers = {
  'proxy.create': async (engine, input) => {
    const proxy = await proxiesOf(engine).create(input);
    return { id: proxy.id, settings: proxy.view };
  },
  'proxy.update': async (engine, input) => {
    const proxy = await proxiesOf(engine).update(input);
    return { id: proxy.id, settings: proxy.view };
  },
  'proxy.addToxic': (engine, { id, toxic }) => proxiesOf(engine).get(id).addToxic(toxic),
  'proxy.updateToxic': (engine, { id, name, patch }) => proxiesOf(engine).get(id).updateToxic(name, patch),
  'proxy.removeToxic': (engine, { id, name }) => (proxiesOf(engine).get(id).removeToxic(name), ok),
  'proxy.hold': (engine, { id, stream, hold }) => {
    const proxies = proxiesOf(engine);
    const proxy = proxies.list().find((p) => p.id === id);
    if (proxy) proxy.setHolding(stream, hold);
    else proxies.conversation(id).setHolding(stream, hold);
    return ok;
  },
  'proxy.held': (engine, { id }) => ({ messages: proxiesOf(engine).conversation(id).held() }),
  'proxy.release': (engine, { id, stream, heldId, action, data }) => ({
    released: proxiesOf(engine).conversation(id).release(stream, heldId, action, data),
  }),
  'proxy.cut': async (engine, { id, side, how }) => (await proxiesOf(engine).conversation(id).cut(side, how), ok),
  'proxy.inject': async (engine, { id, stream, data }) => {
    await proxiesOf(engine).conversation(id).inject(stream, data);
    return { bytes: data.byteLength };
  },
};
