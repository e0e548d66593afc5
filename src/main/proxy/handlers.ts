/** The `proxy.*` commands (src/shared/proxy.ts), spread into dispatch's handlers. */
import type { Output, ParsedInput } from '../../shared/contract';
import type { Engine } from '../engine/engine';
import { proxiesOf } from './service';

type ProxyCommand = 'proxy.create' | 'proxy.update' | 'proxy.addToxic' | 'proxy.updateToxic' | 'proxy.removeToxic' | 'proxy.cut' | 'proxy.inject';

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
  'proxy.cut': async (engine, { id, side, how }) => (await proxiesOf(engine).conversation(id).cut(side, how), ok),
  'proxy.inject': async (engine, { id, stream, data }) => {
    await proxiesOf(engine).conversation(id).inject(stream, data);
    return { bytes: data.byteLength };
  },
};
