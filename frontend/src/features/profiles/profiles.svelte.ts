// The profiles store: the page's one copy of Go's state (the profiles, the keychain,
// the notice, profile files waiting for trust) and which profile is selected.
// Components read it and act through it instead of handing profiles down as props.
// Go's state is fetched at start and whenever Go says it changed; an action that gets
// a fresh profile back from Go puts it here at once, so the page shows it before the
// next fetch answers. The confirmations after adding, saving or removing a profile
// are said here, once, whichever screen did it.

import { backend, errorMessage } from '../../lib/api/backend'
import type { AppState, ProfileView } from '../../lib/api/types'
import { toasts } from '../../lib/ui/toasts.svelte'

class ProfilesStore {
  /** Go's state; null until the first GetState answers. */
  app = $state<AppState | null>(null)
  /** The first GetState failed, so there is nothing to show. */
  loadError = $state('')
  /** A later GetState failed: what shows may be older than Go's state. */
  refreshError = $state('')
  selectedId = $state('')
  /** Go's open-file dialog for a profile file is up. */
  importing = $state(false)
  /** A profile file that was not added, until dismissed. */
  importError = $state('')
  /** Go's notice the operator closed: it stays closed until Go says something else. */
  dismissedNotice = $state('')

  list = $derived(this.app?.profiles ?? [])
  selected = $derived(this.list.find((p) => p.id === this.selectedId) ?? null)
  /** A profile file waiting for the operator to trust the hosts it names (however it arrived). */
  pendingImport = $derived(this.app?.pendingImports[0] ?? null)
  /** Go's one-off message for the operator, "" when there is none or it was closed. */
  notice = $derived(this.app && this.app.notice !== this.dismissedNotice ? this.app.notice : '')

  // Only the answer to the latest GetState counts: an older one may land after it.
  #loadSeq = 0

  async load(): Promise<void> {
    const seq = ++this.#loadSeq
    try {
      const s = await backend.getState()
      if (seq !== this.#loadSeq) return
      this.app = s
      this.loadError = ''
      this.refreshError = ''
      if (!s.profiles.some((p) => p.id === this.selectedId)) {
        this.selectedId = (s.profiles.find((p) => p.id === s.activeProfileId) ?? s.profiles[0])?.id ?? ''
      }
    } catch (err) {
      if (seq !== this.#loadSeq) return
      if (this.app) this.refreshError = errorMessage(err)
      else this.loadError = errorMessage(err)
    }
  }

  /** Puts a fresh view of a profile from Go in place of the old one (or adds it). */
  replace(view: ProfileView): void {
    if (!this.app) return
    const i = this.app.profiles.findIndex((p) => p.id === view.id)
    if (i >= 0) this.app.profiles[i] = view
    else this.app.profiles.push(view)
  }

  /** Selects a profile, and tells Go so that it opens first next time. */
  select(id: string): void {
    if (id === this.selectedId) return
    this.selectedId = id
    backend.selectProfile(id).catch(() => {
      // Only which profile opens next time is lost; nothing for the operator to do.
    })
  }

  /** A profile was added (by the form, the sandbox button or a profile file): select it. */
  added(view: ProfileView): void {
    this.replace(view)
    this.select(view.id)
    toasts.show(`Profile “${view.name}” added.`)
    void this.load()
  }

  saved(view: ProfileView): void {
    this.replace(view)
    toasts.show(`Changes to “${view.name}” saved.`)
    void this.load()
  }

  /** A profile was removed: the first one left is selected. */
  removed(view: ProfileView): void {
    if (this.app) this.app.profiles = this.app.profiles.filter((p) => p.id !== view.id)
    const next = this.list[0]
    if (next) this.select(next.id)
    else this.selectedId = ''
    toasts.show(`Profile “${view.name}” removed.`)
    void this.load()
  }

  /** Every profile and token was removed from this computer. */
  removedAll(): void {
    this.selectedId = ''
    if (this.app) this.app.profiles = []
    toasts.show('All Partnerdesk data was removed from this computer.')
    void this.load()
  }

  /** "Import profile file…": Go asks for the file; resolves with the profile added, if one was. */
  async importFile(): Promise<ProfileView | null> {
    this.importError = ''
    this.importing = true
    try {
      const result = await backend.importProfileFile()
      if (result.profile) this.added(result.profile)
      // A file naming hosts outside Zapier waits in Go; the trust dialog shows it.
      if (result.pending) void this.load()
      return result.profile ?? null
    } catch (err) {
      this.importError = errorMessage(err)
      return null
    } finally {
      this.importing = false
    }
  }

  /** The operator answered the trust dialog: take the import off the page until Go's state says more. */
  answeredImport(id: string): void {
    if (this.app) this.app.pendingImports = this.app.pendingImports.filter((p) => p.id !== id)
  }

  /** Back to nothing loaded. For tests. */
  reset(): void {
    this.app = null
    this.loadError = ''
    this.refreshError = ''
    this.selectedId = ''
    this.importing = false
    this.importError = ''
    this.dismissedNotice = ''
    this.#loadSeq = 0
  }
}

export const profiles = new ProfilesStore()
