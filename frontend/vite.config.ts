/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { svelteTesting } from '@testing-library/svelte/vite'

// The Content-Security-Policy lives in index.html and is what the packaged app runs
// with. Only the Vite dev server (`npm run dev`) needs more: its hot-reload client
// talks over a WebSocket, which `connect-src 'self'` does not cover. This plugin widens
// connect-src for `vite serve` alone; `vite build` output is left untouched.
function devServerCSP(): Plugin {
  return {
    name: 'partnerdesk-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace("connect-src 'self'", "connect-src 'self' ws: wss:")
    },
  }
}

export default defineConfig({
  plugins: [svelte(), svelteTesting(), devServerCSP()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No source maps in the shipped bundle; no inlined assets as data: URLs beyond
    // what the CSP's img-src allows.
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
  },
})
