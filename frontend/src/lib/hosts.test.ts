import { describe, expect, it } from 'vitest'
import { joinAnd, trustLabel, whatItGets } from './hosts'

describe('host words', () => {
  it('joins lists as a sentence does', () => {
    expect(joinAnd([])).toBe('')
    expect(joinAnd(['a'])).toBe('a')
    expect(joinAnd(['a', 'b'])).toBe('a and b')
    expect(joinAnd(['a', 'b', 'c'])).toBe('a, b and c')
  })

  it('names every host on the trust button', () => {
    expect(trustLabel([{ host: 'evil.example', gets: ['the token'] }])).toBe('Trust evil.example and import')
    expect(
      trustLabel([
        { host: 'login.evil.example', gets: ['the password page'] },
        { host: '127.0.0.1:47913', gets: ['the token'] },
      ]),
    ).toBe('Trust login.evil.example and 127.0.0.1:47913 and import')
    expect(whatItGets({ host: 'h', gets: ['the password page', 'the token'] })).toBe('the password page and the token')
  })
})
