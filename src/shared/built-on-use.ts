/**
 * A value built the first time it is asked for, not when its module loads: for a zod schema that
 * the first screen of the window does not use. Building schemas is most of what evaluating the
 * page's first script costs besides React, and that comes before the window first paints.
 */
export function builtOnUse<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

/**
 * A schema (or any object) that is built the first time anything touches it, and is that object
 * from then on: a contract module's schemas are module constants that every part imports, but the
 * host's first message needs two of ~200, and building them all cost ~30 ms of the host's CPU while
 * the page was starting. Its type is the built schema's, so `z.infer` and every use are unchanged.
 */
export function schemaOnUse<T extends object>(build: () => T): T {
  const built = builtOnUse(build);
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(built(), key, built()),
    set: (_, key, value) => Reflect.set(built(), key, value),
    has: (_, key) => Reflect.has(built(), key),
    ownKeys: () => Reflect.ownKeys(built()),
    // The stand-in has none of the schema's properties: each is reported configurable, as a proxy must.
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(built(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(built(), key, descriptor),
    getPrototypeOf: () => Reflect.getPrototypeOf(built()),
  });
}

/**
 * A contract command whose input and output schemas are built the first time either is asked for,
 * as the dispatcher validates that command: not every command's when the contract loads.
 */
export function command<T extends { input: object; output: object }>(build: () => T): T {
  const built = builtOnUse(build);
  return {
    get input() {
      return built().input;
    },
    get output() {
      return built().output;
    },
  } as T;
}
