/**
 * A toxic as one line of text, `type[:stream][:key=value,...]` with Toxiproxy's names (e.g.
 * `latency:downstream:latency=100,jitter=10`): how the CLI's --toxic and the app's toxic field
 * take them. `toxicity=` and `name=` may be given among the attributes.
 */
import { TOXIC_TYPES, ToxicAttributeSchemas, type ToxicInput, type ToxicType } from './proxy';

/** Throws an Error whose message says what is wrong, in the user's terms. */
export function parseToxicSpec(text: string): ToxicInput {
  const [type, ...rest] = text.trim().split(':');
  if (!TOXIC_TYPES.includes(type as ToxicType)) {
    throw new Error(`Unknown toxic type ${JSON.stringify(type)}: expected one of ${TOXIC_TYPES.join(', ')}.`);
  }
  let stream: 'upstream' | 'downstream' | undefined;
  if (rest[0] === 'upstream' || rest[0] === 'downstream') stream = rest.shift() as 'upstream' | 'downstream';
  const attributes: Record<string, number> = {};
  const toxic: ToxicInput = { type: type as ToxicType, ...(stream && { stream }), attributes };
  const known = Object.keys(ToxicAttributeSchemas[toxic.type].shape);
  for (const pair of rest
    .join(':')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, value] = pair.split('=');
    if (key === 'name' && value) {
      toxic.name = value;
      continue;
    }
    const number = Number(value);
    if (!key || value === undefined || value.trim() === '' || !Number.isFinite(number)) {
      throw new Error(`Expected key=number in ${JSON.stringify(pair)} (e.g. latency=100).`);
    }
    if (key === 'toxicity') toxic.toxicity = number;
    else if (known.includes(key)) attributes[key] = number;
    else throw new Error(`${toxic.type} has no attribute ${JSON.stringify(key)}: it takes ${known.join(', ')}.`);
  }
  return toxic;
}
