import { resolve } from 'node:path';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Every part imports the contract and the shared modules as @shared/… (tsconfig paths for tsc and tsx).
const shared = { '@shared': resolve(__dirname, 'src/shared') };

export default defineConfig({
  main: {
    resolve: { alias: shared },
    build: {
      // Bundled rather than loaded from node_modules at start: zod's CommonJS build is 95 files
      // (~1 MB) read and compiled on every start of the app, the host and the CLI.
      externalizeDeps: { exclude: ['zod', 'ws'] },
      rollupOptions: {
        // The command line (and its `host` command) is a plain Node entry built beside the main process.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/cli/index.ts'),
        },
      },
    },
  },
  preload: { resolve: { alias: shared } },
  renderer: {
    resolve: { alias: shared },
    plugins: [react(), tailwindcss()],
    build: {
      minify: true,
      // Libraries in chunks of their own (cached apart from the app's code, none past 500 kB);
      // what the first paint does not need is loaded lazily (src/renderer/src/features/shell/lazyParts.ts).
      rolldownOptions: {
        output: {
          codeSplitting: {
            groups: [
              { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
              { name: 'zod', test: /node_modules[\\/]zod[\\/]/ },
              { name: 're2js', test: /node_modules[\\/]re2js[\\/]/ },
            ],
          },
        },
      },
    },
  },
});
