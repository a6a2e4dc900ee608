import '@testing-library/jest-dom/vitest'
import { afterEach, vi } from 'vitest'
import { profiles } from '../features/profiles/profiles.svelte'
import { browser } from '../features/browse/browse.svelte'
import { signIn } from '../lib/signin.svelte'
import { toasts } from '../lib/ui/toasts.svelte'
import { removeFakeBackend } from './fakeBackend'

// jsdom has no layout, so no ResizeObserver: Svelte's bind:clientWidth/clientHeight
// need one to exist. Sizes then stay 0 and components fall back to their defaults.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

afterEach(() => {
  signIn.reset()
  profiles.reset()
  vi.restoreAllMocks()
  browser.reset()
  toasts.reset()
  removeFakeBackend()
})
