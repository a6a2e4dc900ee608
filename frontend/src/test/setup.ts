import '@testing-library/jest-dom/vitest'
import { afterEach } from 'vitest'
import { signIn } from '../lib/signin.svelte'
import { toasts } from '../lib/toasts.svelte'
import { removeFakeBackend } from './fakeBackend'

afterEach(() => {
  signIn.reset()
  toasts.reset()
  removeFakeBackend()
})
