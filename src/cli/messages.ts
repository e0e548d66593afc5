/**
 * The engine words its errors for the app ("Turn off “Verify certificate”"); on the command
 * line the same advice names the command's own options.
 */
const inCli: [RegExp, string][] = [
  [/Turn off “Verify certificate” to connect anyway\./g, 'Add --insecure (-k) to connect anyway.'],
  [/turn off “Verify certificate” to connect anyway\./g, 'add --insecure (-k) to connect anyway.'],
  [/Set the server name \(SNI\) to one of its names/g, 'Give one of its names with --servername'],
  [/needs Broadcast turned on for this socket/g, 'needs --broadcast'],
  [/requires a client certificate — add one and try again/g, 'requires a client certificate — give one with --cert and --key'],
];

/** `message` with the app's controls replaced by the CLI options that do the same. */
export function inCliTerms(message: string): string {
  return inCli.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message);
}

/** How every command stops on an error: one line on stderr, in the CLI's terms, and exit code 1. */
export function exitWithError(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`sockscope: ${inCliTerms(message)}\n`);
  process.exit(1);
}
