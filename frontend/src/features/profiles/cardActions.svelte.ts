// What one profile's card is doing, in one place: the calls to Go under way (each
// disables its own button), the one dialog open over the card, and the last thing
// that failed (shown above the buttons). The card's parts read it and call its
// actions; none of them keeps a flag of its own.

import { backend, errorMessage } from '../../lib/api/backend'
import type { ProfileView, SignInOutcome } from '../../lib/api/types'
import { signIn } from '../../lib/signin.svelte'
import { grantSummary } from '../../lib/tokens'
import { toasts } from '../../lib/ui/toasts.svelte'
import { signedIn, signInTo } from '../signin/signedIn'
import { profiles } from './profiles.svelte'

/** Go clears a copied token from the clipboard after this long (copiedTokenLifetime in app.go). */
export const COPIED_MS = 45_000

/** A dialog over the card: the question before signing out or removing, or the "paste the address" sign-in. */
export type CardDialog = { kind: 'sign-out' } | { kind: 'remove' } | { kind: 'paste'; force: boolean }

/** The card's calls to Go that take a moment. */
type Call = 'verify' | 'copy' | 'signOut' | 'remove' | 'export'

export class ProfileCardActions {
  running = $state<Record<Call, boolean>>({ verify: false, copy: false, signOut: false, remove: false, export: false })
  dialog = $state<CardDialog | null>(null)
  /** What the last action that failed said, until dismissed or another starts. */
  error = $state('')
  /** When the token was last copied: the "Copied" note shows until Go clears the clipboard. */
  copiedAt = $state<Date | null>(null)

  readonly #profile: () => ProfileView

  /** profile: the card's profile as it is now (it changes as Go sends fresh views). */
  constructor(profile: () => ProfileView) {
    this.#profile = profile
  }

  get profile(): ProfileView {
    return this.#profile()
  }

  /** "Sign in with my browser" has Go listen on this computer; otherwise the operator pastes the address. */
  get loopback(): boolean {
    return this.profile.browserMethod === 'loopback'
  }

  /** Sign in in Partnerdesk's sign-in window (force: ask Zapier for approval again). */
  async signIn(force: boolean): Promise<void> {
    this.error = ''
    await signInTo(this.profile, force)
  }

  /** "Sign in with my browser": Go's receiver on this computer when it can listen, else the paste dialog. */
  async browserSignIn(force: boolean): Promise<void> {
    this.error = ''
    signIn.dismissProblem()
    if (!this.loopback) {
      this.dialog = { kind: 'paste', force }
      return
    }
    await signInTo(this.profile, force, 'browser')
  }

  /** The paste dialog signed in. */
  pasted(outcome: SignInOutcome): void {
    this.dialog = null
    signedIn(outcome, this.profile.name)
  }

  async verify(): Promise<void> {
    this.error = ''
    await this.#run('verify', async () => {
      const view = await backend.verify(this.profile.id)
      profiles.replace(view)
      if (!view.tokenInvalid && view.lastVerifyOk) toasts.show(`Zapier accepts this token. ${grantSummary(view)}.`)
    })
  }

  /** Go puts the token on the clipboard and clears it later: the page never holds it. */
  async copyToken(): Promise<void> {
    this.error = ''
    await this.#run('copy', async () => {
      await backend.copyToken(this.profile.id)
      this.copiedAt = new Date()
    })
  }

  /** The answer to the sign-out question. */
  async signOut(): Promise<void> {
    const name = this.profile.name
    await this.#run('signOut', async () => {
      const view = await backend.signOut(this.profile.id).finally(() => (this.dialog = null))
      profiles.replace(view)
      toasts.show(`Signed out of ${name}.`)
    })
  }

  async exportProfile(): Promise<void> {
    this.error = ''
    const name = this.profile.name
    await this.#run('export', async () => {
      const path = await backend.exportProfile(this.profile.id)
      if (path) toasts.show(`Saved ${name} to ${path}. The file holds no token.`)
    })
  }

  /** The answer to the remove question. */
  async remove(): Promise<void> {
    const profile = this.profile
    await this.#run('remove', async () => {
      await backend.removeProfile(profile.id).finally(() => (this.dialog = null))
      profiles.removed(profile)
    })
  }

  /** Runs one call to Go with its button disabled; a failure shows above the buttons. */
  async #run(call: Call, work: () => Promise<void>): Promise<void> {
    this.running[call] = true
    try {
      await work()
    } catch (err) {
      this.error = errorMessage(err)
    } finally {
      this.running[call] = false
    }
  }
}
