// The one place a successful sign-in is announced, wherever it was started (the
// profile's card, the "paste the address" dialog, Browse's "Sign in" button): the
// fresh profile goes into the profiles store and one toast says who signed in.

import type { ProfileView, SignInOutcome } from '../../lib/api/types'
import { signIn, type SignInMethod } from '../../lib/signin.svelte'
import { toasts } from '../../lib/ui/toasts.svelte'
import { profiles } from '../profiles/profiles.svelte'

/** Takes in the profile a sign-in returned and says so in a toast. */
export function signedIn(outcome: SignInOutcome, profileName: string): void {
  if (outcome.profile) profiles.replace(outcome.profile)
  const who = outcome.profile?.identity
  toasts.show(who?.fullName ? `Signed in as ${who.fullName}.` : `Signed in to ${profileName}.`)
}

/**
 * Runs one sign-in (signIn.start: a failure lands in signIn.problem) and announces
 * it when it worked. Resolves with whether it worked.
 */
export async function signInTo(profile: ProfileView, force: boolean, method: SignInMethod = 'window'): Promise<boolean> {
  const outcome = await signIn.start(profile.id, force, method)
  if (!outcome?.ok) return false
  signedIn(outcome, profile.name)
  return true
}
