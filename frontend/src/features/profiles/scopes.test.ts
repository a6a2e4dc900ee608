import { describe, expect, it } from 'vitest'
import { joinScopes, splitScopes } from './scopes'

describe('splitScopes', () => {
  it('accepts spaces, commas and stray whitespace', () => {
    expect(splitScopes('  zap, profile\tzap:runs  ')).toEqual(['zap', 'profile', 'zap:runs'])
  })
  it('drops repeats', () => {
    expect(splitScopes('zap zap')).toEqual(['zap'])
  })
  it('gives nothing for an empty field', () => {
    expect(splitScopes('   ')).toEqual([])
  })
})

describe('joinScopes', () => {
  it('joins the ticked and the typed scopes with single spaces, without repeats', () => {
    expect(joinScopes(['profile', 'zap'], ['zap', 'custom:read'])).toBe('profile zap custom:read')
  })
})
