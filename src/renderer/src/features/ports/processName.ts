/** Interpreters whose name alone says little: `node server.js` tells which program, `node` does not. */
const interpreters = new Set([
  'node',
  'nodejs',
  'python',
  'python2',
  'python3',
  'ruby',
  'perl',
  'php',
  'java',
  'bash',
  'sh',
  'dash',
  'zsh',
  'deno',
  'bun',
  'tsx',
  'npm',
  'npx',
]);

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * A process named as a person would: `node server.js`, `python3 -m http.server`, `redis-server`.
 * `name` is the short name the system reports (Linux's comm, at most 15 characters); `command` the
 * full command line, when readable.
 */
export function processLabel(name: string, command: string | undefined): string {
  if (!command) return name;
  const words = command.split(/\s+/).filter((word) => word !== '');
  const program = basename(words[0] ?? name);
  const base = program.replace(/[\d.]+$/, '');
  if (!interpreters.has(program) && !interpreters.has(base)) return name;
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    // `python3 -m http.server`, `java -jar app.jar`: the module or archive is the program.
    if ((word === '-m' || word === '-jar') && words[i + 1] !== undefined) return `${program} ${word} ${basename(words[i + 1])}`;
    if (word === '-c' || word === '-e') return `${program} ${word} …`;
    if (!word.startsWith('-')) return `${program} ${basename(word)}`;
  }
  return program;
}
