import { describe, expect, it } from 'vitest'
import { makeProfile, signedInProfile } from '../test/fixtures'
import { accountText, grantSummary, hasExpired, verifyResultText } from './tokens'

const NOW = new Date('2025-03-04T13:00:00Z')

describe('token words', () => {
  it('names the account with what Zapier sent', () => {
    expect(accountText({ id: '1', fullName: 'Ada Lovelace', email: 'ada@acme.example' })).toBe(
      'Ada Lovelace (ada@acme.example)',
    )
    expect(accountText({ id: '1', fullName: ' ', email: 'ada@acme.example' })).toBe('ada@acme.example')
    expect(accountText(null)).toBe('')
  })

  it('sums up granted and missing scopes', () => {
    const p = signedInProfile(NOW, { scopes: ['profile', 'zap', 'zap:runs'], missingScopes: ['zap:runs'] })
    expect(grantSummary(p)).toBe('Granted profile zap — missing zap:runs')
    expect(grantSummary(signedInProfile(NOW))).toBe('Granted profile zap')
    expect(grantSummary(signedInProfile(NOW, { grantedScopes: [], missingScopes: ['zap'] }))).toBe(
      'Zapier reported no scopes — missing zap',
    )
  })

  it('prefers Go’s note for the last check', () => {
    expect(verifyResultText(signedInProfile(NOW))).toBe('Zapier accepted the token')
    expect(verifyResultText(signedInProfile(NOW, { lastVerifyOk: false }))).toBe('Zapier did not accept the token')
    expect(verifyResultText(signedInProfile(NOW, { lastVerifyNote: 'Zapier answered 401.' }))).toBe(
      'Zapier answered 401.',
    )
  })

  it('judges expiry as Go does', () => {
    expect(hasExpired(makeProfile(), NOW)).toBe(false)
    expect(hasExpired(signedInProfile(NOW), NOW)).toBe(false)
    expect(hasExpired(signedInProfile(NOW, { expired: true }), NOW)).toBe(true)
    expect(hasExpired(signedInProfile(new Date(NOW.getTime() - 11 * 3_600_000)), NOW)).toBe(true)
    expect(hasExpired(signedInProfile(NOW, { tokenInvalid: true, expired: true }), NOW)).toBe(true)
  })
})
