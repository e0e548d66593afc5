import { resolve } from 'node:path';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      // Bundled rather than loaded from node_modules at start: zod's CommonJS build is 95 files
      // (~1 MB) read and compiled on every start of the app, the host and the CLI.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        // The command line (and its `host` command) is a plain Node entry built beside the main process.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/cli/index.ts'),
        },
      },
    },
  },
  preload: {},
  renderer: {
    plugins: [react(), tailwindcss()],
    build: { minify: true },
  },
});
