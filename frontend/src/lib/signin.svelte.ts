// The one sign-in attempt that can run at a time, shared by the card that started it
// and the sidebar. Go opens its own sign-in window (or, for "Sign in with my browser"
// on a redirect URI on this computer, the system browser); this only follows its
// progress events and keeps the outcome that the card shows when it was not a success.
// The "paste the address" sign-in is a dialog of its own (PasteSignIn.svelte).

import { backend, errorMessage, onSignInProgress } from './api/backend'
import type { SignInOutcome, SignInStage } from './api/types'

/** window: Zapier's page in Partnerdesk's sign-in window; browser: in the system browser. */
export type SignInMethod = 'window' | 'browser'

export type SignInAttempt = {
  profileId: string
  method: SignInMethod
  stage: SignInStage
  message: string
  cancelling: boolean
}

export type SignInProblem = {
  profileId: string
  /** cancelled: the operator stopped it; failed: declined, timed out, or an error. */
  kind: 'cancelled' | 'failed'
  message: string
}

// The words for each stage come from Go with its progress event (explain.Stage), in the
// method's own terms; the page shows them as they come.

class SignInController {
  attempt = $state<SignInAttempt | null>(null)
  problem = $state<SignInProblem | null>(null)

  get busy(): boolean {
    return this.attempt !== null
  }

  /**
   * Runs one attempt and resolves with Go's outcome, or null when it could not run
   * (another attempt is open, or Go failed). Failures land in `problem`.
   */
  async start(profileId: string, force: boolean, method: SignInMethod = 'window'): Promise<SignInOutcome | null> {
    if (this.attempt) return null
    this.problem = null
    this.attempt = { profileId, method, stage: 'opening', message: '', cancelling: false }
    const stop = onSignInProgress((p) => {
      if (!this.attempt || p.profileId !== this.attempt.profileId) return
      this.attempt.stage = p.stage
      if (p.message.trim() !== '') this.attempt.message = p.message
    })
    try {
      const outcome =
        method === 'browser' ? await backend.signInWithBrowser(profileId, force) : await backend.signIn(profileId, force)
      if (!outcome.ok) {
        this.problem = {
          profileId,
          kind: outcome.cancelled ? 'cancelled' : 'failed',
          message:
            outcome.message.trim() ||
            (outcome.cancelled ? 'Sign-in was cancelled.' : 'Sign-in did not finish. Try again.'),
        }
      }
      return outcome
    } catch (err) {
      this.problem = { profileId, kind: 'failed', message: errorMessage(err) }
      return null
    } finally {
      stop()
      this.attempt = null
    }
  }

  /** Asks Go to stop the attempt (closing its window, or no longer listening for the browser); start() then resolves as cancelled. */
  async cancel(): Promise<void> {
    if (!this.attempt || this.attempt.cancelling) return
    this.attempt.cancelling = true
    try {
      await backend.cancelSignIn()
    } catch (err) {
      if (this.attempt) this.attempt.cancelling = false
      this.problem = { profileId: this.attempt?.profileId ?? '', kind: 'failed', message: errorMessage(err) }
    }
  }

  dismissProblem(): void {
    this.problem = null
  }

  /** Back to nothing running. For tests. */
  reset(): void {
    this.attempt = null
    this.problem = null
  }
}

export const signIn = new SignInController()
