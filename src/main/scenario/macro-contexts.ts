/**
 * Macro state kept in main, one per socket: `{{counter}}` counts on across a repeat, auto-replies
 * and sequences on the same socket, and is gone with the socket (a WeakMap on its record).
 */
import { concatBytes, lineEndingBytes } from '@shared/codec';
import type { MacroPayload } from '@shared/macro-payload';
import { compileMacros, type MacroContext, newMacroContext } from '@shared/macros';

const contexts = new WeakMap<object, MacroContext>();

export function macroContextOf(socket: object): MacroContext {
  let context = contexts.get(socket);
  if (!context) {
    context = newMacroContext();
    contexts.set(socket, context);
  }
  return context;
}

/** A payload evaluated afresh at each call (the schema has checked that it compiles). */
export function macroSender(payload: MacroPayload, context: MacroContext): () => Uint8Array<ArrayBuffer> {
  const compiled = compileMacros(payload.text);
  if (!compiled.ok) throw new Error(`Macro payload was not validated: ${compiled.message}`);
  const { template } = compiled;
  const ending = lineEndingBytes[payload.lineEnding];
  return () => {
    const bytes = template.evaluate(context);
    return (ending.byteLength === 0 ? bytes : concatBytes(bytes, ending)) as Uint8Array<ArrayBuffer>;
  };
}
