import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Assets are referenced from the site root, so that /j/<token> (served as index.html) finds them.
export default defineConfig({
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.ts'],
  },
});
