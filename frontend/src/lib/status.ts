// What state a profile's sign-in is in, as one word the UI can switch on.

import type { ProfileView } from './api/types'
import { parseTime } from './format'

export type ProfileStatus = 'signed-in' | 'expired' | 'invalid' | 'signed-out'

/**
 * The profile's status at `now`. A token Zapier rejected outranks an expired one, which
 * outranks a good one. A token whose expiry time has passed counts as expired even
 * before Go says so, since the card re-evaluates this every minute.
 */
export function profileStatus(p: ProfileView, now: Date): ProfileStatus {
  if (!p.signedIn) return 'signed-out'
  if (p.tokenInvalid) return 'invalid'
  if (p.expired) return 'expired'
  const expires = parseTime(p.expiresAt)
  if (expires && expires.getTime() <= now.getTime()) return 'expired'
  return 'signed-in'
}

/** Short words for the sidebar and for screen readers. */
export const STATUS_LABEL: Record<ProfileStatus, string> = {
  'signed-in': 'Signed in',
  expired: 'Expired',
  invalid: 'Token rejected',
  'signed-out': 'Not signed in',
}
