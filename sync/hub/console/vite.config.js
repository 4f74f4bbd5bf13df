// Vite builds the console into static files that kiosk-hub serves under
// /staff/ (staff_server.h). The output folder is given by CMake (--outDir).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/staff/',
  build: {
    emptyOutDir: true,
    chunkSizeWarningLimit: 400,
    // No inline scripts or styles: the hub's Content-Security-Policy is
    // default-src 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
