import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The Vite config every Custom UI app under static/ is built with (scripts/build-static.mjs).
 * `base: './'` because Forge serves each resource from its own path, so asset URLs must be relative.
 * No inline script ends up in index.html, which Forge's content security policy would block.
 *
 * @param {string} root the app's folder, e.g. static/runsheet
 */
export function customUiConfig(root) {
  return defineConfig({
    root,
    base: './',
    plugins: [react()],
    build: {
      outDir: 'build',
      emptyOutDir: true,
      target: 'es2022',
    },
  });
}

/** `npx vite --config ../vite.config.mjs` from inside an app folder serves that app. */
export default customUiConfig(process.cwd());
