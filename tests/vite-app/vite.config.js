// What a Vite app needs for coopmatch: nothing for `vite build`, two
// settings for the dev server (`vite`).
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, searchForWorkspaceRoot } from 'vite';

// `npm install path/to/www/pkg` makes this a link to that folder.
const coopmatch = fileURLToPath(new URL('./node_modules/coopmatch', import.meta.url));

export default defineConfig({
  optimizeDeps: {
    // Don't pre-bundle it: coopmatch.js fetches coopmatch_bg.wasm from beside
    // itself (new URL(..., import.meta.url)), and a pre-bundled copy in
    // node_modules/.vite/deps/ has no .wasm beside it ("expected magic word").
    // Needed whenever the package is copied into node_modules (a tarball from
    // `npm pack`, a registry, `npm install --install-links`).
    exclude: ['coopmatch'],
  },
  server: {
    fs: {
      // A linked folder lies outside the project, and the dev server refuses
      // files outside its allow list (a 403 for the .wasm). Vite's default
      // (the workspace root) plus the package's real folder.
      allow: [searchForWorkspaceRoot(process.cwd()), ...(existsSync(coopmatch) ? [realpathSync(coopmatch)] : [])],
    },
  },
});
