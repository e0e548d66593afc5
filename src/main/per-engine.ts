import type { Engine } from './engine/engine';

/** Gives each engine one T, made on first use; `existing` looks without making one. */
export interface PerEngine<T> {
  (engine: Engine): T;
  existing(engine: Engine): T | undefined;
}

/**
 * For the services that hang off an engine without the engine knowing them (proxies, sequences,
 * the Toxiproxy API): the dispatcher needs no new wiring, and a disposed engine takes its own with it.
 */
export function onePerEngine<T>(make: (engine: Engine) => T): PerEngine<T> {
  const made = new WeakMap<Engine, T>();
  const of = (engine: Engine): T => {
    let value = made.get(engine);
    if (value === undefined) {
      value = make(engine);
      made.set(engine, value);
    }
    return value;
  };
  return Object.assign(of, { existing: (engine: Engine) => made.get(engine) });
}
