// Pure helpers for browsing resources: words for auth kinds and parameters, filtering
// and sorting loaded rows, how a cell and a row read. No Svelte, no Go: tests call
// these directly.

import type { AuthKind, Column, ResourceErrorKind, ResourceInfo, Row } from '../../lib/api/types'
import { parseTime, type FormatOptions } from '../../lib/format'
import type { ProfileStatus } from '../../lib/status'

/** The small label beside each resource: what it needs to be called. */
export const AUTH_LABEL: Record<AuthKind, string> = {
  token: 'Your sign-in',
  client_id: 'App client ID',
  either: 'Either',
  none: 'Public',
}

/** The same, said in full (tooltips and the resource header). */
export const AUTH_HELP: Record<AuthKind, string> = {
  token: 'Zapier answers with the token from your sign-in.',
  client_id: "Zapier answers with the profile's client ID alone; no sign-in needed.",
  either: 'Uses your sign-in when there is one, otherwise the client ID.',
  none: 'Zapier answers anyone; no sign-in or client ID needed.',
}

type ParamWords = { label: string; help: string; placeholder: string }

const PARAMS: Record<string, ParamWords> = {
  app: {
    label: 'App',
    help: 'The ID or slug of a Zapier app, as in its Zapier address.',
    placeholder: 'slack',
  },
  zap_id: { label: 'Zap ID', help: 'The number of one Zap.', placeholder: '123456' },
}

/** Words for a required query parameter; unknown ones read as their own name. */
export function paramWords(name: string): ParamWords {
  return PARAMS[name] ?? { label: name.replace(/_/g, ' '), help: `The “${name}” the API needs.`, placeholder: '' }
}

const numbers = new Intl.NumberFormat()

/** 10000 → "10,000" (as the system locale writes it). */
export function formatCount(n: number): string {
  return numbers.format(n)
}

/** "1 Zap" / "2 rows": a count with its noun, singular when one. */
export function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}

// Searching 10,000 rows on each keystroke: each row's text is lowered once and kept.
const haystacks = new WeakMap<Row, string>()

function haystack(row: Row): string {
  let text = haystacks.get(row)
  if (text === undefined) {
    text = Object.values(row.cells).join('\u0000').toLowerCase()
    haystacks.set(row, text)
  }
  return text
}

/**
 * The rows whose cells hold every word of query, ignoring case. An empty query
 * keeps them all (the same array).
 */
export function filterRows(rows: Row[], query: string): Row[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return rows
  return rows.filter((r) => {
    const text = haystack(r)
    return words.every((w) => text.includes(w))
  })
}

export type SortDir = 'asc' | 'desc'
export type Sort = { key: string; dir: SortDir } | null

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** A sorted copy, or rows itself when sort is null. Empty cells go last either way. */
export function sortRows(rows: Row[], sort: Sort): Row[] {
  if (!sort) return rows
  const { key, dir } = sort
  const sign = dir === 'asc' ? 1 : -1
  return [...rows].sort((a, b) => {
    const x = a.cells[key] ?? ''
    const y = b.cells[key] ?? ''
    if (x === '' || y === '') return x === y ? 0 : x === '' ? 1 : -1
    return sign * collator.compare(x, y)
  })
}

/** The next sort after a click on a column header: ascending, descending, then none. */
export function nextSort(current: Sort, key: string): Sort {
  if (!current || current.key !== key) return { key, dir: 'asc' }
  return current.dir === 'asc' ? { key, dir: 'desc' } : null
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/
const cellTimes = new Map<string, Intl.DateTimeFormat>()

function timeFormat(kind: 'short' | 'year' | 'full', opts: FormatOptions): Intl.DateTimeFormat {
  const id = `${kind}|${opts.locale ?? ''}|${opts.timeZone ?? ''}`
  let f = cellTimes.get(id)
  if (!f) {
    const o: Intl.DateTimeFormatOptions =
      kind === 'short'
        ? { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }
        : kind === 'year'
          ? { year: 'numeric', month: 'short', day: 'numeric' }
          : { dateStyle: 'medium', timeStyle: 'short' }
    f = new Intl.DateTimeFormat(opts.locale, { ...o, timeZone: opts.timeZone })
    cellTimes.set(id, f)
  }
  return f
}

export type CellOptions = FormatOptions & {
  /** Date and time in full, as in the detail panel; otherwise short for a table cell. */
  full?: boolean
  /** For "this year"; defaults to the current time. */
  now?: Date
}

/**
 * A cell as shown: RFC 3339 times in local time, short in a table ("Mar 4, 14:03" this
 * year, "Mar 4, 2024" before) and in full with `full`; anything else as it is.
 */
export function formatCell(value: string | undefined, opts: CellOptions = {}): string {
  if (!value) return ''
  if (value.length > 35 || !RFC3339.test(value)) return value
  const d = parseTime(value)
  if (!d) return value
  if (opts.full) return timeFormat('full', opts).format(d)
  const now = opts.now ?? new Date()
  const year = (x: Date) => timeFormat('year', opts).formatToParts(x).find((p) => p.type === 'year')?.value
  const sameYear = opts.timeZone ? year(d) === year(now) : d.getFullYear() === now.getFullYear()
  return timeFormat(sameYear ? 'short' : 'year', opts).format(d)
}

/**
 * How wide each column but the first would like to be, in px: as wide as its longest
 * cell among the first rows (or its title), within limits, so states stay narrow and
 * dates fit. The first column names the row and takes what is left (columnTemplate).
 */
export function naturalWidths(columns: Column[], rows: Row[], now: Date = new Date()): number[] {
  const sample = rows.slice(0, WIDTH_SAMPLE)
  return columns.slice(1).map((c) => {
    let chars = c.title.length + 2
    for (const r of sample) chars = Math.max(chars, formatCell(r.cells[c.key], { now }).length)
    return Math.round(Math.min(Math.max(chars * 8 + 24, 64), 240))
  })
}

/** How many of the first rows the column widths are measured on. */
export const WIDTH_SAMPLE = 200

/**
 * The rows to measure column widths on: the first WIDTH_SAMPLE of rows, or previous
 * itself when those are the same rows, so that rows added at the end (each batch of a
 * Load all) measure nothing again.
 */
export function widthSample(previous: Row[], rows: Row[]): Row[] {
  const n = Math.min(rows.length, WIDTH_SAMPLE)
  if (previous.length === n && previous.every((r, i) => r === rows[i])) return previous
  return rows.slice(0, n)
}

const FIRST_MIN = 250
const KEEP = 120

/**
 * CSS grid columns: the first takes the room left over (at least 160px), the others
 * their natural width. When the table is too narrow to give the first column 250px,
 * the wide columns (long text, which reads fine cut short) give up their width above
 * 120px, in proportion; short ones (states, dates) keep theirs. width 0 means not
 * measured yet.
 */
export function columnTemplate(natural: number[], width = 0): string {
  const sum = natural.reduce((a, b) => a + b, 0)
  const need = width > 0 ? sum + FIRST_MIN - width : 0
  const spare = natural.reduce((a, w) => a + Math.max(0, w - KEEP), 0)
  const cut = need > 0 && spare > 0 ? Math.min(1, need / spare) : 0
  const widths = natural.map((w) => Math.round(w - Math.max(0, w - KEEP) * cut))
  return ['minmax(160px, 1fr)', ...widths.map((w) => `${w}px`)].join(' ')
}

/** The words that name a row: its first column, else its id. */
export function rowName(row: Row, columns: Column[]): string {
  const first = columns[0] ? row.cells[columns[0].key] : ''
  return first?.trim() || row.id
}

/** A shell command that adds scope to a profile's scopes (for when the app cannot do it itself). */
export function addScopeCommand(profileName: string, scopes: string[], scope: string): string {
  const all = [...new Set([...scopes, scope])].join(' ')
  const quote = (s: string) => (/^[\w.:@-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`)
  return `partnerdesk profile add ${quote(profileName)} --update --scope ${quote(all)}`
}

/** What the operator can do about a problem; the component turns it into a button. */
export type ProblemAction = 'sign-in-again' | 'retry' | 'none'

export type ProblemWords = {
  tone: 'error' | 'warning' | 'info'
  title: string
  body: string
  action: ProblemAction
}

/**
 * The words for why a load stopped, in one place. `what` is the resource title
 * ("Zaps"); `message` is Go's own text, shown as the detail where it adds something.
 */
export function problemWords(kind: ResourceErrorKind, what: string, message: string, scope: string): ProblemWords {
  switch (kind) {
    case 'token-invalid':
      return {
        tone: 'error',
        title: 'Zapier no longer accepts this token.',
        body: `Sign in again to get a new one, and Partnerdesk loads ${what} again.`,
        action: 'sign-in-again',
      }
    case 'missing-scope':
      return {
        tone: 'warning',
        title: scope ? `Loading ${what} needs the “${scope}” scope.` : `This token may not read ${what}.`,
        body: scope
          ? `The token was not granted “${scope}”. Sign in again and allow it on Zapier's page.`
          : "Zapier refused for lack of a scope it did not name. Sign in again and allow everything Zapier's page asks for.",
        action: 'sign-in-again',
      }
    case 'rate-limited':
      return {
        tone: 'warning',
        title: 'Zapier is limiting how often Partnerdesk may ask.',
        body: 'It still refused after waiting. Wait a minute, then try again.',
        action: 'retry',
      }
    case 'offline':
      return {
        tone: 'warning',
        title: 'Zapier could not be reached.',
        body: message || 'Check the internet connection (and the proxy, if you use one), then try again.',
        action: 'retry',
      }
    case 'server':
      return {
        tone: 'error',
        title: 'Zapier had a problem answering.',
        body: `${message ? `${message} ` : ''}Partnerdesk tried again a few times. Try again in a few minutes; if it keeps happening, Zapier may be having an outage.`,
        action: 'retry',
      }
    case 'cancelled':
      return { tone: 'info', title: 'Loading stopped.', body: '', action: 'none' }
    case 'other':
      return {
        tone: 'error',
        title: `${what} could not be loaded.`,
        body: message || 'Partnerdesk did not say why. Try again.',
        action: 'retry',
      }
  }
}

/**
 * A few words for why a resource cannot be loaded now, for the resource list (Go's
 * reason, a whole sentence, shows in the panel): "Sign in first", "Sign in again",
 * "Needs the zap:runs scope"; Go's reason when none of these explains it.
 */
export function shortReason(info: ResourceInfo, status: ProfileStatus, grantedScopes: string[]): string {
  if (info.available) return 'Ready'
  if (info.auth === 'token' && status === 'signed-out') return 'Sign in first'
  if (info.auth === 'token' && (status === 'invalid' || status === 'expired')) return 'Sign in again'
  if (info.scope && status === 'signed-in' && !grantedScopes.includes(info.scope)) return `Needs the ${info.scope} scope`
  return info.reason || 'Not available'
}
