/**
 * The log's limits, apart from the schemas that check them (log.ts imports these): the page reads
 * them at start-up, and importing them from here builds no schema.
 */
export const MAX_LOG_READ = 2000;

/** A frame read whole for the Decoded view: within what the host's WebSocket carries in one message. */
export const MAX_FRAME_DECODE_BYTES = 8 * 1024 * 1024;

/** An export is built in memory before it is handed over; beyond this it is refused. */
export const MAX_EXPORT_BYTES = 256 * 1024 * 1024;

/** What the browser host's WebSocket carries in one message, base64 included. */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

export const MAX_SEARCH_MATCHES = 10_000;
