import { describe, expect, it } from 'vitest'
import { browserSignInMethod, isLoopbackRedirect } from './redirect'

describe('isLoopbackRedirect', () => {
  it.each([
    ['http://127.0.0.1:8765/callback', true],
    ['http://localhost:47113/cb', true],
    ['http://LOCALHOST:9000/', true],
    ['  http://127.0.0.1:8765/cb  ', true],
    ['http://127.0.0.1:80/cb', true],
    ['http://127.0.0.1/cb', false],
    ['https://127.0.0.1:8765/cb', false],
    ['https://acme.example/oauth/zapier', false],
    ['http://acme.example:8080/cb', false],
    ['http://user@127.0.0.1:8765/cb', false],
    ['http://[::1]:8765/cb', false],
    ['http://127.0.0.2:8765/cb', false],
    ['not an address', false],
    ['', false],
  ])('%s → %s', (uri, want) => {
    expect(isLoopbackRedirect(uri)).toBe(want)
  })

  it('chooses the loopback receiver or pasting the address', () => {
    expect(browserSignInMethod('http://127.0.0.1:8765/cb')).toBe('loopback')
    expect(browserSignInMethod('https://acme.example/oauth/zapier')).toBe('paste')
  })
})
