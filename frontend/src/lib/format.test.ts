import { describe, expect, it } from 'vitest'
import {
  formatAbsolute,
  formatAgo,
  formatClock,
  formatDuration,
  formatRelative,
  msUntilNextMinute,
  parseTime,
} from './format'

const berlin = { locale: 'en-GB', timeZone: 'Europe/Berlin' }

describe('parseTime', () => {
  it('reads an RFC 3339 time with an offset', () => {
    expect(parseTime('2025-03-04T14:03:00+01:00')?.toISOString()).toBe('2025-03-04T13:03:00.000Z')
  })
  it('reads fractional seconds as Go writes them', () => {
    expect(parseTime('2025-03-04T13:03:00.123456789Z')?.getUTCMilliseconds()).toBe(123)
  })
  it.each([null, undefined, '', 'yesterday', '0001-01-01T00:00:00Z'])('gives null for %j', (v) => {
    expect(parseTime(v)).toBeNull()
  })
})

describe('formatClock', () => {
  it('writes hours and minutes in the given zone', () => {
    expect(formatClock(new Date('2025-03-04T13:03:00Z'), berlin)).toBe('14:03')
  })
  it('follows the locale', () => {
    expect(formatClock(new Date('2025-03-04T13:03:00Z'), { locale: 'en-US', timeZone: 'UTC' })).toBe('1:03 PM')
  })
})

describe('formatAbsolute', () => {
  const now = new Date('2025-03-04T13:00:00Z') // 14:00 on Tuesday 4 March in Berlin

  it('says today for the same local day', () => {
    expect(formatAbsolute(new Date('2025-03-04T22:30:00Z'), now, berlin)).toBe('today at 23:30')
  })
  it('says tomorrow when the local date is the next day, even if UTC is not', () => {
    // 23:41 UTC on the 4th is 00:41 on the 5th in Berlin.
    expect(formatAbsolute(new Date('2025-03-04T23:41:00Z'), now, berlin)).toBe('tomorrow at 00:41')
  })
  it('says yesterday for the previous local day', () => {
    expect(formatAbsolute(new Date('2025-03-03T08:12:00Z'), now, berlin)).toBe('yesterday at 09:12')
  })
  it('names the weekday and date within the same year', () => {
    expect(formatAbsolute(new Date('2025-03-07T08:12:00Z'), now, berlin)).toBe('Fri 7 Mar at 09:12')
  })
  it('adds the year for another year', () => {
    expect(formatAbsolute(new Date('2024-12-24T08:12:00Z'), now, berlin)).toBe('24 Dec 2024 at 09:12')
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0 min'],
    [59_999, '0 min'],
    [3 * 60_000, '3 min'],
    [60 * 60_000, '1 h'],
    [(9 * 60 + 58) * 60_000 + 59_000, '9 h 58 min'],
    [24 * 3_600_000, '1 day'],
    [(24 + 5) * 3_600_000, '1 day 5 h'],
    [(48 + 1) * 3_600_000 + 30 * 60_000, '2 days 1 h'],
    [10 * 24 * 3_600_000 + 3_600_000, '10 days'],
    [-5 * 60_000, '0 min'],
  ])('writes %i ms as %s', (ms, want) => {
    expect(formatDuration(ms)).toBe(want)
  })
})

describe('formatRelative', () => {
  const now = new Date('2025-03-04T13:00:00Z')
  const at = (ms: number) => new Date(now.getTime() + ms)

  it('counts down to an expiry ten hours away', () => {
    expect(formatRelative(at(10 * 3_600_000 - 90_000), now)).toBe('in 9 h 58 min')
  })
  it('says how long ago something happened', () => {
    expect(formatRelative(at(-3 * 60_000 - 10_000), now)).toBe('3 min ago')
  })
  it('does not say "in 0 min"', () => {
    expect(formatRelative(at(20_000), now)).toBe('in less than a minute')
  })
  it('says just now for the last minute', () => {
    expect(formatRelative(at(-20_000), now)).toBe('just now')
  })
})

describe('formatAgo', () => {
  const now = new Date('2025-03-04T13:00:00Z')
  const at = (ms: number) => new Date(now.getTime() + ms)
  it('says how long ago a token was obtained', () => {
    expect(formatAgo(at(-3 * 60_000 - 10_000), now)).toBe('3 min ago')
  })
  // The card's clock ticks once a minute, so a token obtained after its last
  // tick is "in the future" by up to a minute: it must still read as the past.
  it('never puts something that happened in the future', () => {
    expect(formatAgo(at(20_000), now)).toBe('just now')
    expect(formatAgo(at(0), now)).toBe('just now')
  })
})

describe('msUntilNextMinute', () => {
  it('aims at the next whole minute', () => {
    expect(msUntilNextMinute(new Date('2025-03-04T13:00:45.250Z'))).toBe(14_750)
  })
  it('waits a full minute when exactly on one', () => {
    expect(msUntilNextMinute(new Date('2025-03-04T13:00:00Z'))).toBe(60_000)
  })
})
