import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Assets are referenced from the site root, so that /j/<token> (served as index.html) finds them.
export default defineConfig({
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Which chunks each entry and role view loads (read by the accessibility test and the load benchmark).
    manifest: true,
    chunkSizeWarningLimit: 600,
    // Two pages: the hearing client (index.html, also every /j/<token>) and the secretariat's /organize.
    rollupOptions: {
      input: { main: 'index.html', organize: 'organize.html' },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.ts'],
  },
});
