// Dates and durations as the operator reads them. Pure functions: the current time,
// locale and time zone come in as arguments (defaulting to the system's), so tests
// can pin them.

export type FormatOptions = {
  /** BCP 47 locale; undefined means the system's. */
  locale?: string
  /** IANA time zone; undefined means the system's. */
  timeZone?: string
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Parses an RFC 3339 time from Go. null, "" and anything unparseable give null. */
export function parseTime(value: string | null | undefined): Date | null {
  if (!value) return null
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return null
  // Go's zero time.Time, should it ever slip through, is not a real moment.
  if (d.getUTCFullYear() <= 1) return null
  return d
}

/** "14:03" (or "2:03 PM", as the locale writes it). */
export function formatClock(d: Date, opts: FormatOptions = {}): string {
  return new Intl.DateTimeFormat(opts.locale, { timeStyle: 'short', timeZone: opts.timeZone }).format(d)
}

/** The calendar day of d in the given zone, as a number that grows by one per day. */
function dayNumber(d: Date, timeZone: string | undefined): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    timeZone,
  }).formatToParts(d)
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value)
  return Math.round(Date.UTC(get('year'), get('month') - 1, get('day')) / DAY)
}

function yearOf(d: Date, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat('en-US', { year: 'numeric', timeZone }).format(d)
}

/**
 * A moment in local time, as short as it can be without being ambiguous:
 * "today at 14:03", "tomorrow at 00:41", "yesterday at 09:12",
 * "Tue 4 Mar at 14:03" within the same year, "4 Mar 2024 at 14:03" otherwise.
 */
export function formatAbsolute(d: Date, now: Date, opts: FormatOptions = {}): string {
  const clock = formatClock(d, opts)
  const days = dayNumber(d, opts.timeZone) - dayNumber(now, opts.timeZone)
  if (days === 0) return `today at ${clock}`
  if (days === 1) return `tomorrow at ${clock}`
  if (days === -1) return `yesterday at ${clock}`
  const sameYear = yearOf(d, opts.timeZone) === yearOf(now, opts.timeZone)
  const date = new Intl.DateTimeFormat(
    opts.locale,
    sameYear
      ? { weekday: 'short', day: 'numeric', month: 'short', timeZone: opts.timeZone }
      : { day: 'numeric', month: 'short', year: 'numeric', timeZone: opts.timeZone },
  ).format(d)
  return `${date} at ${clock}`
}

/** "9 h 58 min", "3 min", "2 days 4 h". Rounds down: it never overstates time left. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / MINUTE))
  const days = Math.floor(total / (24 * 60))
  const hours = Math.floor((total % (24 * 60)) / 60)
  const minutes = total % 60
  if (days >= 7) return `${days} days`
  if (days >= 1) {
    const d = days === 1 ? '1 day' : `${days} days`
    return hours > 0 ? `${d} ${hours} h` : d
  }
  if (hours >= 1) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`
  return `${minutes} min`
}

/** "in 9 h 58 min", "3 min ago", "in less than a minute", "just now". */
export function formatRelative(d: Date, now: Date): string {
  const diff = d.getTime() - now.getTime()
  if (Math.abs(diff) < MINUTE) return diff > 0 ? 'in less than a minute' : 'just now'
  return diff > 0 ? `in ${formatDuration(diff)}` : `${formatDuration(-diff)} ago`
}

/**
 * When something already happened: "3 min ago", "just now". A time a little
 * in the future (this computer's clock behind the provider's) still reads as
 * the past, never "in less than a minute".
 */
export function formatAgo(d: Date, now: Date): string {
  const diff = now.getTime() - d.getTime()
  return diff < MINUTE ? 'just now' : `${formatDuration(diff)} ago`
}

/** Milliseconds until the next whole minute: when a minute-resolution clock should tick. */
export function msUntilNextMinute(now: Date): number {
  return MINUTE - (now.getTime() % MINUTE)
}
