// Which way "Sign in with my browser" goes for a profile, decided from its registered
// redirect URI exactly as Go's loopback receiver (internal/loopback) accepts one.

/**
 * True when Go can listen for the redirect itself: an http address on this computer
 * with a port, http://127.0.0.1:PORT/... or http://localhost:PORT/... Every other
 * redirect URI signs in by pasting the address the browser ends on.
 */
export function isLoopbackRedirect(uri: string): boolean {
  let u: URL
  try {
    u = new URL(uri.trim())
  } catch {
    return false
  }
  if (u.protocol !== 'http:' || u.username !== '' || u.password !== '') return false
  // URL drops a port that is the scheme's default (80), but Go still sees it written.
  const port = u.port || (/^http:\/\/[^/?#]*:80(?:[/?#]|$)/i.test(uri.trim()) ? '80' : '')
  if (port === '') return false
  const host = u.hostname.toLowerCase()
  return host === '127.0.0.1' || host === 'localhost'
}

export type BrowserSignInMethod = 'loopback' | 'paste'

export function browserSignInMethod(redirectUri: string): BrowserSignInMethod {
  return isLoopbackRedirect(redirectUri) ? 'loopback' : 'paste'
}
