/** Building blocks every domain of the contract uses: ports, hosts, ids, bytes, endpoints, errors. */
import { z } from 'zod';
import { schemaOnUse } from '../built-on-use';
import { isIPv6, unbracket } from '../address';

const portNumber = (min: number): z.ZodNumber => {
  const range = `Port must be between ${min} and 65535`;
  return z.number({ error: 'Port must be a number' }).int('Port must be a whole number').min(min, range).max(65535, range);
};

/** A port to bind: 0 lets the system pick a free one. */
export const Port = schemaOnUse(() => portNumber(0));

/** A port a peer can be reached on. */
export const PeerPort = schemaOnUse(() => portNumber(1));

export const Host = schemaOnUse(() =>
  z
    .string()
    .trim()
    .min(1, 'Host is required')
    .max(253, 'Host name is too long')
    .refine((h) => !/[\s/]/.test(h), 'Host must be a name or an IP address, without spaces or slashes')
    // `[::1]` as in URLs: the brackets are for people, sockets take the bare address.
    .refine((h) => !h.startsWith('[') || isIPv6(unbracket(h)), 'Brackets are for IPv6 addresses, e.g. [::1]')
    .transform(unbracket),
);

export const SocketId = schemaOnUse(() => z.string().min(1).max(64));

export const Bytes = schemaOnUse(() => z.instanceof(Uint8Array, { message: 'Expected bytes' }));

export const Endpoint = schemaOnUse(() =>
  z.object({
    address: z.string(),
    port: Port,
    family: z.enum(['IPv4', 'IPv6']),
  }),
);

export const Target = schemaOnUse(() => z.object({ host: Host, port: PeerPort }));

export const ErrorInfo = schemaOnUse(() =>
  z.object({
    /** A system code such as ECONNREFUSED, or one of Sockscope's own (INVALID_INPUT, NOT_FOUND, …). */
    code: z.string(),
    /** A sentence a person understands, shown as it is. */
    message: z.string(),
  }),
);

/** The input of a command that takes none, and the output of one that returns nothing. */
export const Ok = schemaOnUse(() => z.object({}));

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export type Endpoint = z.infer<typeof Endpoint>;

export type Target = z.infer<typeof Target>;

export type ErrorInfo = z.infer<typeof ErrorInfo>;
