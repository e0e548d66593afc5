import { EventBatcher, type BatcherOptions } from './batcher';
import { createDispatcher, type Dispatcher } from './dispatch';
import { Engine, type EngineOptions } from './engine/engine';

export interface Core {
  engine: Engine;
  batcher: EventBatcher;
  dispatcher: Dispatcher;
  dispose(): Promise<void>;
}

/** The engine, its event batcher and the dispatcher, wired the same way for every front end. */
export function createCore(options: { engine?: EngineOptions; batch?: BatcherOptions } = {}): Core {
  const engine = new Engine(options.engine);
  const batcher = new EventBatcher(options.batch);
  const unsubscribe = engine.subscribe((event) => batcher.push(event));
  const dispatcher = createDispatcher(engine, () => batcher.rev);
  return {
    engine,
    batcher,
    dispatcher,
    async dispose() {
      unsubscribe();
      batcher.dispose();
      await engine.dispose();
    },
  };
}
