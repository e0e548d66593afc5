/**
 * Where Toxiproxy's clients look for its API unless told otherwise, in a module of its own: the
 * command line parses an API address before the proxy code (and the engine) have loaded.
 */
export const DEFAULT_TOXIPROXY_API = { host: '127.0.0.1', port: 8474 };
