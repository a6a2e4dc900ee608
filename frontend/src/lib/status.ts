// What state a profile's sign-in is in, as one word the UI can switch on.

import type { ProfileStatus, ProfileView } from './api/types'
import { parseTime } from './format'

export type { ProfileStatus }

/**
 * The profile's status at `now`: Go's (ProfileView.status, decided in internal/desktop),
 * except that a token whose expiry time has passed since Go's view was made reads as
 * expired at once; Go tells the page within a minute and its view then says so too.
 */
export function profileStatus(p: ProfileView, now: Date): ProfileStatus {
  if (p.status !== 'signed-in') return p.status
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
