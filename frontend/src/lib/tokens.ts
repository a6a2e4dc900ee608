// How a profile's token reads to the operator, shared by the card and the token
// overview. Pure: the view comes from Go, the time from the caller.

import type { Identity, ProfileView } from './api/types'
import { parseTime } from './format'

/** "Ada Lovelace (ada@acme.example)", either part alone, or "" when Zapier sent none. */
export function accountText(who: Identity | null): string {
  if (!who) return ''
  const name = who.fullName.trim()
  const email = who.email.trim()
  return name && email ? `${name} (${email})` : name || email
}

/** What the last check with Zapier found, in Go's words when it sent some. */
export function verifyResultText(p: ProfileView): string {
  const note = p.lastVerifyNote.trim()
  if (note) return note
  return p.lastVerifyOk ? 'Zapier accepted the token' : 'Zapier did not accept the token'
}

/** "Granted profile zap — missing zap:runs": the scopes a token holds and those it lacks. */
export function grantSummary(p: ProfileView): string {
  const granted = p.grantedScopes.length > 0 ? `Granted ${p.grantedScopes.join(' ')}` : 'Zapier reported no scopes'
  return p.missingScopes.length > 0 ? `${granted} — missing ${p.missingScopes.join(' ')}` : granted
}

/** The token has expired at `now`, as Go's SignOutExpired judges it (a rejected one too). */
export function hasExpired(p: ProfileView, now: Date): boolean {
  if (!p.signedIn) return false
  if (p.expired) return true
  const expires = parseTime(p.expiresAt)
  return expires !== null && expires.getTime() <= now.getTime()
}
