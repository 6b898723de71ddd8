import { defineConfig } from 'vite';

/**
 * The journey is served at /j/<token> with its assets at /j/assets/<hashed name>: a relative base
 * ("./assets/…" from /j/<token>) keeps working behind a path prefix.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: ['es2020', 'safari14', 'firefox100', 'chrome90'],
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
