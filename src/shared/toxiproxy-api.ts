/**
 * The Toxiproxy-compatible HTTP API (src/main/proxy/toxiproxy-api.ts) turned on and off from a
 * front end: the app's and the host's status bar, `sockscope host --toxiproxy-api`.
 */
import { z } from 'zod';
import { command, schemaOnUse } from './built-on-use';
import { Host, Port } from './contract/basics';

/** Toxiproxy's own default address. */
export const DEFAULT_TOXIPROXY_API_ADDRESS = { host: '127.0.0.1', port: 8474 } as const;

export const ToxiproxyApiStatus = schemaOnUse(() =>
  z.object({
    /** Where it serves, while on. */
    serving: z.object({ host: z.string(), port: Port, url: z.string() }).optional(),
    /** The address it was last asked to serve on (the form's default next time). */
    address: z.object({ host: z.string(), port: Port }),
    /** Why the last attempt to turn it on failed ("127.0.0.1:8474 is already in use…"). */
    error: z.string().optional(),
  }),
);

/** The API was turned on, moved or off, or failed to start: its status now, for every window. */
export const ToxiproxyApiStatusEvent = schemaOnUse(() => z.object({ type: z.literal('toxiproxyApi.status'), status: ToxiproxyApiStatus }));

export const toxiproxyApiCommands = {
  'toxiproxyApi.status': command(() => ({ input: z.object({}), output: ToxiproxyApiStatus })),
  /**
   * Turns the API on (at host:port; loopback unless another host is given) or off. Turning it on
   * where it already serves changes nothing; elsewhere, it moves. A taken port fails the command
   * with the reason, which the status keeps too.
   */
  'toxiproxyApi.set': command(() => ({
    input: z.object({
      enabled: z.boolean(),
      host: Host.default(DEFAULT_TOXIPROXY_API_ADDRESS.host),
      port: Port.default(DEFAULT_TOXIPROXY_API_ADDRESS.port),
    }),
    output: ToxiproxyApiStatus,
  })),
} as const;

export type ToxiproxyApiStatus = z.infer<typeof ToxiproxyApiStatus>;
export type ToxiproxyApiStatusEvent = z.infer<typeof ToxiproxyApiStatusEvent>;
