import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Tauri loads `dist/` from its own protocol; `npm run dev` serves on a fixed port for `devUrl`.
export default defineConfig({
  plugins: [svelte()],
  base: './',
  clearScreen: false,
  server: { host: '127.0.0.1', port: 1420, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One small app: a single JS chunk and a single CSS file load fastest from the local protocol.
    assetsInlineLimit: 0,
    modulePreload: false,
    // That single chunk is about 500 kB (157 kB gzipped), read from disk, never the network.
    chunkSizeWarningLimit: 800,
  },
});
