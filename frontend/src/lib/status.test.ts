import { describe, expect, it } from 'vitest'
import { profileStatus } from './status'
import { makeProfile } from '../test/fixtures'

const now = new Date('2025-03-04T13:00:00Z')

describe('profileStatus', () => {
  it('is signed-out without a token, whatever else is set', () => {
    expect(profileStatus(makeProfile({ signedIn: false, tokenInvalid: true }), now)).toBe('signed-out')
  })
  it('is signed-in with a live token', () => {
    expect(profileStatus(makeProfile({ signedIn: true, expiresAt: '2025-03-04T20:00:00Z' }), now)).toBe('signed-in')
  })
  it('is signed-in when the token has no expiry', () => {
    expect(profileStatus(makeProfile({ signedIn: true, expiresAt: null }), now)).toBe('signed-in')
  })
  it('is expired when Go says so', () => {
    expect(profileStatus(makeProfile({ signedIn: true, expired: true }), now)).toBe('expired')
  })
  it('is expired once the expiry time has passed, before Go notices', () => {
    expect(profileStatus(makeProfile({ signedIn: true, expiresAt: '2025-03-04T12:59:00Z' }), now)).toBe('expired')
  })
  it('is invalid when Zapier rejected the token, even if it also expired', () => {
    expect(profileStatus(makeProfile({ signedIn: true, expired: true, tokenInvalid: true }), now)).toBe('invalid')
  })
})
