/**
 * What the desktop app's menu asks the window to do. Main sends one `ui.command` event (in an
 * event batch, like every other event); the renderer maps each command onto an action it already
 * has. Commands that main can carry out itself (zoom, reload, import) never come here.
 */
import { z } from 'zod';
import { schemaOnUse } from './built-on-use';

export const UiCommand = schemaOnUse(() =>
  z.discriminatedUnion('action', [
    /** File › New connection / listener / UDP socket: the New… dialog, opened on that kind. */
    z.object({ action: z.literal('new-socket'), kind: z.enum(['tcp-client', 'tcp-listener', 'udp']) }),
    /** File › Export all logs as JSON Lines or pcapng. */
    z.object({ action: z.literal('export-all'), format: z.enum(['jsonl', 'pcapng']) }),
    /** View › Sockets / Ports. */
    z.object({ action: z.literal('show-view'), view: z.enum(['sockets', 'ports']) }),
    /** View › Theme: the window's own theme switch is the one setting (saved with the workspace). */
    z.object({ action: z.literal('set-theme'), theme: z.enum(['system', 'light', 'dark']) }),
    /** After File › Import log…: show the first socket it opened. */
    z.object({ action: z.literal('select-socket'), id: z.string().min(1).max(64) }),
  ]),
);
export type UiCommand = z.infer<typeof UiCommand>;

export const UiCommandEvent = schemaOnUse(() => z.object({ type: z.literal('ui.command'), command: UiCommand }));
export type UiCommandEvent = z.infer<typeof UiCommandEvent>;
