// Vite builds the UI into web/dist (not committed): `npm run build`.
// No inlined assets (CSP: everything from 'self'), no module-preload polyfill
// (it would be one more script), one chunk for the charts so that only the
// dashboard loads ECharts, and public.html (the page without login) as a
// second entry: the server sends it for /public/.
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
    // two documents: the application, and the public page (公示, /public/)
    rollupOptions: { input: { main: 'index.html', public: 'public.html' } },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' } },
});
