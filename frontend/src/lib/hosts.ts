// Words for the hosts outside Zapier that a profile sends the sign-in to. Which
// hosts those are is Go's judgement (profiles.UntrustedHosts); the page only says it.

import type { HostUse } from './api/types'

/** "a", "a and b", "a, b and c". */
export function joinAnd(items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

/** "the password page and the token". */
export function whatItGets(h: HostUse): string {
  return joinAnd(h.gets)
}

/** The trust dialog's confirm button: "Trust evil.example and import". */
export function trustLabel(hosts: HostUse[]): string {
  return `Trust ${joinAnd(hosts.map((h) => h.host))} and import`
}
