import { describe, expect, it } from 'vitest'
import { makeRows } from '../../test/fixtures'
import type { Row } from '../../lib/api/types'
import {
  addScopeCommand,
  columnTemplate,
  filterRows,
  formatCell,
  naturalWidths,
  widthSample,
  nextSort,
  problemWords,
  rowName,
  shortReason,
  sortRows,
} from './resources'

const row = (id: string, cells: Record<string, string>): Row => ({ id, cells, url: '' })

describe('filterRows', () => {
  const rows = [
    row('1', { title: 'Send Slack messages', state: 'on' }),
    row('2', { title: 'Copy Gmail to Sheets', state: 'OFF' }),
    row('3', { title: 'Slack to Gmail', state: 'draft' }),
  ]

  it('keeps every row for an empty query, as the same array', () => {
    expect(filterRows(rows, '')).toBe(rows)
    expect(filterRows(rows, '   ')).toBe(rows)
  })

  it('matches any cell, ignoring case', () => {
    expect(filterRows(rows, 'slack').map((r) => r.id)).toEqual(['1', '3'])
    expect(filterRows(rows, 'off').map((r) => r.id)).toEqual(['2'])
  })

  it('needs every word somewhere in the row', () => {
    expect(filterRows(rows, 'gmail SLACK').map((r) => r.id)).toEqual(['3'])
    expect(filterRows(rows, 'gmail draft').map((r) => r.id)).toEqual(['3'])
  })

  it('does not match across two cells', () => {
    expect(filterRows(rows, 'messageson')).toEqual([])
  })
})

describe('sortRows', () => {
  const rows = [row('a', { n: 'Zap 10' }), row('b', { n: '' }), row('c', { n: 'zap 9' }), row('d', { n: 'Apple' })]

  it('sorts naturally, ignoring case, with empty cells last either way', () => {
    expect(sortRows(rows, { key: 'n', dir: 'asc' }).map((r) => r.id)).toEqual(['d', 'c', 'a', 'b'])
    expect(sortRows(rows, { key: 'n', dir: 'desc' }).map((r) => r.id)).toEqual(['a', 'c', 'd', 'b'])
    expect(sortRows(rows, null)).toBe(rows)
  })

  it('cycles ascending, descending, none', () => {
    expect(nextSort(null, 'n')).toEqual({ key: 'n', dir: 'asc' })
    expect(nextSort({ key: 'n', dir: 'asc' }, 'n')).toEqual({ key: 'n', dir: 'desc' })
    expect(nextSort({ key: 'n', dir: 'desc' }, 'n')).toBeNull()
    expect(nextSort({ key: 'n', dir: 'desc' }, 'm')).toEqual({ key: 'm', dir: 'asc' })
  })
})

describe('formatCell', () => {
  const opts = { locale: 'en-GB', timeZone: 'Europe/London', now: new Date('2025-06-01T00:00:00Z') }

  it('shows RFC 3339 times in local time, short in a table and in full on request', () => {
    expect(formatCell('2025-03-04T13:05:00Z', opts)).toBe('4 Mar, 13:05')
    expect(formatCell('2024-03-04T13:05:00Z', opts)).toBe('4 Mar 2024')
    expect(formatCell('2025-07-04T13:05:00+02:00', { ...opts, full: true })).toBe('4 Jul 2025, 12:05')
  })

  it('leaves everything else alone', () => {
    expect(formatCell('on')).toBe('on')
    expect(formatCell('2025-03-04')).toBe('2025-03-04')
    expect(formatCell(undefined)).toBe('')
  })
})

describe('columns', () => {
  const columns = [
    { key: 'title', title: 'Title' },
    { key: 'state', title: 'State' },
    { key: 'apps', title: 'Apps' },
  ]
  const rows = makeRows(50)

  it('sizes the other columns by their text and gives the first what is left', () => {
    const natural = naturalWidths(columns, rows)
    expect(natural).toHaveLength(2)
    expect(natural[0]).toBeLessThan(natural[1]) // "draft" is shorter than "Salesforce, Mailchimp"
    expect(columnTemplate(natural)).toBe(`minmax(160px, 1fr) ${natural[0]}px ${natural[1]}px`)
  })

  it('narrows only the wide columns when the table is narrow', () => {
    const t = columnTemplate([80, 220], 420)
    expect(t).toBe('minmax(160px, 1fr) 80px 120px')
    expect(columnTemplate([80, 220], 1000)).toBe('minmax(160px, 1fr) 80px 220px')
  })
})

describe('widthSample', () => {
  it('keeps the rows measured while rows are only added after them', () => {
    const rows = makeRows(300)
    const first = widthSample([], rows.slice(0, 100))
    expect(first).toHaveLength(100)
    const more = widthSample(first, rows.slice(0, 250))
    expect(more).toHaveLength(200)
    expect(widthSample(more, rows)).toBe(more)
    expect(widthSample(more, rows.slice(1))).not.toBe(more)
  })
})

describe('rows as text', () => {
  it('names a row by its first column, else its id', () => {
    const cols = [{ key: 'title', title: 'Title' }]
    expect(rowName(row('9', { title: ' Hello ' }), cols)).toBe('Hello')
    expect(rowName(row('9', { title: '' }), cols)).toBe('9')
  })
})

describe('problemWords', () => {
  it('has a title, words and a next step for every kind', () => {
    for (const kind of ['token-invalid', 'missing-scope', 'rate-limited', 'offline', 'server', 'cancelled', 'other'] as const) {
      const w = problemWords(kind, 'Zaps', '', 'zap')
      expect(w.title).not.toBe('')
      expect(w.title).not.toMatch(/undefined|null/)
      expect(w.body).not.toMatch(/undefined|null/)
    }
    expect(problemWords('token-invalid', 'Zaps', '', '').action).toBe('sign-in-again')
    expect(problemWords('missing-scope', 'Zap runs', '', 'zap:runs').title).toBe('Loading Zap runs needs the “zap:runs” scope.')
    expect(problemWords('offline', 'Zaps', '', '').action).toBe('retry')
    expect(problemWords('other', 'Zaps', 'Go said this.', '').body).toBe('Go said this.')
  })
})

describe('shortReason', () => {
  const base = { id: 'x', title: 'X', path: '/x', needsParams: [], columns: [], reason: 'Go says why, at length.' }
  const token = { ...base, auth: 'token' as const, scope: 'zap:runs', available: false }

  it('says it in a few words the list has room for', () => {
    expect(shortReason({ ...token, available: true }, 'signed-out', [])).toBe('Ready')
    expect(shortReason(token, 'signed-out', [])).toBe('Sign in first')
    expect(shortReason(token, 'invalid', [])).toBe('Sign in again')
    expect(shortReason(token, 'expired', [])).toBe('Sign in again')
    expect(shortReason(token, 'signed-in', ['zap'])).toBe('Needs the zap:runs scope')
    expect(shortReason({ ...token, auth: 'client_id', scope: '' }, 'signed-in', [])).toBe('Go says why, at length.')
  })
})

describe('addScopeCommand', () => {
  it('quotes for a shell and keeps the scopes already asked for', () => {
    expect(addScopeCommand('Acme production', ['profile', 'zap'], 'zap:runs')).toBe(
      'partnerdesk profile add "Acme production" --update --scope "profile zap zap:runs"',
    )
    expect(addScopeCommand('acme', [], 'zap')).toBe('partnerdesk profile add acme --update --scope zap')
    expect(addScopeCommand('say "$hi"', ['zap'], 'zap')).toBe(
      'partnerdesk profile add "say \\"\\$hi\\"" --update --scope zap',
    )
  })
})
