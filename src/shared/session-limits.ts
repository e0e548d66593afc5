/** The session's limits, apart from its schemas (session.ts imports this): the page reads it without building one. */
/** The renderer's layout blob is small; anything bigger is a bug, not a layout. */
export const MAX_UI_LAYOUT_CHARS = 64 * 1024;
