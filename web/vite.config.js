// Vite builds the UI into web/dist (not committed): `npm run build`.
// No inlined assets (CSP: everything from 'self'), no module-preload polyfill
// (it would be one more script), and one chunk for the charts so that only the
// dashboard loads ECharts.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: true,
    sourcemap: false,
    chunkSizeWarningLimit: 700,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' } },
});
