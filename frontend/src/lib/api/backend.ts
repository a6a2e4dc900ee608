// The one module that talks to the Go side.
//
// Wails v2 puts the bound methods of Go's services on window.go.desktop.{Session, SignIn,
// Profiles, Browse} (internal/desktop) and its runtime on window.runtime (both injected
// by /wails/runtime.js before our bundle runs). Nothing
// else in the frontend touches those globals: components import the functions below.
// Tests install a fake window.go / window.runtime (see src/test/fakeBackend.ts).
//
// Every method returns a Promise. When Go returns an error the promise rejects with a
// message already written for the operator; errorMessage() turns whatever arrived into
// that string so it can be shown as it is.
//
// The access token never reaches the page: showToken asks Go to show it in a native
// window, copyToken to put it on the system clipboard (cleared after 45 s), and
// maskedToken gets only its first and last four characters.

import type { desktop, profiles } from './wailsjs/go/models'
import type {
  AppBindings,
  AppState,
  BoundServices,
  FromGo,
  Grant,
  HostUse,
  ImportResult,
  KeychainState,
  NewProfile,
  PasteOutcome,
  PasteStart,
  PendingImport,
  ProfileStatus,
  ProfileView,
  ResourceError,
  ResourceErrorKind,
  ResourceInfo,
  ResourcePage,
  ResourceWait,
  Row,
  SignInOutcome,
  SignInProgress,
  WailsRuntime,
} from './types'

export type * from './types'

declare global {
  interface Window {
    go?: { desktop?: Partial<BoundServices> }
    runtime?: WailsRuntime
  }
}

/** What the operator sees when the page runs without the Go side (a plain browser). */
export const NOT_CONNECTED =
  'Partnerdesk could not reach its own background service. Close the app and open it again.'

// The services' methods as one object: their names are unique across the services.
function app(): AppBindings {
  const d = window.go?.desktop
  if (!d?.Session || !d.SignIn || !d.Profiles || !d.Browse) throw new Error(NOT_CONNECTED)
  return { ...d.Session, ...d.SignIn, ...d.Profiles, ...d.Browse }
}

async function call<T>(invoke: (a: AppBindings) => Promise<T>): Promise<T> {
  try {
    return await invoke(app())
  } catch (err) {
    throw new Error(errorMessage(err))
  }
}

/** The operator-facing text of a rejected call. Go's messages pass through unchanged. */
export function errorMessage(err: unknown): string {
  if (typeof err === 'string' && err.trim() !== '') return err
  if (err instanceof Error && err.message.trim() !== '') return err.message
  return 'Something went wrong, and Partnerdesk did not say what. Try again.'
}

// Go encodes a nil slice as null and may leave out an empty string; the UI can then
// rely on the declared types.
function profile(p: FromGo<desktop.ProfileView>): ProfileView {
  return {
    ...p,
    scopes: p.scopes ?? [],
    grantedScopes: p.grantedScopes ?? [],
    identity: p.identity ?? null,
    obtainedAt: p.obtainedAt || null,
    expiresAt: p.expiresAt || null,
    lastVerifiedAt: p.lastVerifiedAt || null,
    lastVerifyNote: p.lastVerifyNote ?? '',
    missingScopes: p.missingScopes ?? [],
    untrustedHosts: (p.untrustedHosts ?? []).map(hostUse),
    signedOutReason: p.signedOutReason ?? '',
    status: STATUSES.has(p.status as ProfileStatus) ? (p.status as ProfileStatus) : 'signed-out',
    statusLabel: p.statusLabel ?? '',
    browserMethod: p.browserMethod === 'loopback' ? 'loopback' : 'paste',
    grant: p.grant === 'code' ? 'code' : 'implicit',
    grantLabel: p.grantLabel ?? '',
    tokenUrl: p.tokenUrl ?? '',
    clientSecretMissing: p.clientSecretMissing === true,
    renews: p.renews === true,
    renewsAt: p.renewsAt || null,
  }
}

const STATUSES = new Set<ProfileStatus>(['signed-in', 'expired', 'invalid', 'signed-out'])

function hostUse(h: FromGo<profiles.HostUse>): HostUse {
  return { host: h.host ?? '', gets: h.gets ?? [] }
}

function pendingImport(p: FromGo<desktop.PendingImport>): PendingImport {
  return {
    id: p.id,
    file: p.file ?? '',
    name: p.name ?? '',
    hosts: (p.hosts ?? []).map(hostUse),
    grant: p.grant === 'code' ? 'code' : 'implicit',
  }
}

function keychain(k: Partial<FromGo<desktop.KeychainState>> | null | undefined): KeychainState {
  return { problem: k?.problem ?? '', sessionOnly: k?.sessionOnly === true }
}

function appState(s: FromGo<desktop.AppState>): AppState {
  return {
    ...s,
    profiles: (s.profiles ?? []).map(profile),
    notice: s.notice ?? '',
    version: s.version ?? '',
    keychain: keychain(s.keychain),
    pendingImports: (s.pendingImports ?? []).map(pendingImport),
  }
}

function outcome(o: FromGo<desktop.SignInOutcome>): SignInOutcome {
  return { ...o, cancelled: o.cancelled === true, message: o.message ?? '', profile: o.profile ? profile(o.profile) : null }
}

function pasteOutcome(o: FromGo<desktop.PasteOutcome>): PasteOutcome {
  return { ...outcome(o), retry: o.retry === true }
}

function resourceInfo(r: FromGo<desktop.ResourceInfo>): ResourceInfo {
  return {
    ...r,
    // Go's resources.AuthKind values; Wails generates the field as a plain string.
    auth: r.auth as ResourceInfo['auth'],
    scope: r.scope ?? '',
    needsParams: r.needsParams ?? [],
    reason: r.reason ?? '',
    columns: r.columns ?? [],
  }
}

export const backend = {
  getState: async (): Promise<AppState> => appState(await call((a) => a.GetState())),
  /** Starts the built-in Sandbox and adds a profile for it, with the grant asked for. */
  addSandboxProfile: async (grant: Grant = 'implicit'): Promise<ProfileView> =>
    profile(await call((a) => a.AddSandboxProfile(grant))),
  addProfile: async (p: NewProfile): Promise<ProfileView> => profile(await call((a) => a.AddProfile(p))),
  selectProfile: (id: string): Promise<void> => call((a) => a.SelectProfile(id)),
  signIn: async (id: string, force: boolean): Promise<SignInOutcome> => outcome(await call((a) => a.SignIn(id, force))),
  cancelSignIn: (): Promise<void> => call((a) => a.CancelSignIn()),
  verify: async (id: string): Promise<ProfileView> => profile(await call((a) => a.Verify(id))),
  /** Go puts the token on the system clipboard. Nothing comes back. */
  copyToken: async (id: string): Promise<void> => {
    await call((a) => a.CopyToken(id))
  },
  signOut: async (id: string): Promise<ProfileView> => profile(await call((a) => a.SignOut(id))),
  updateProfile: async (id: string, p: NewProfile): Promise<ProfileView> =>
    profile(await call((a) => a.UpdateProfile(id, p))),
  /**
   * Sends a code-grant profile's client secret to Go, which puts it in the keychain. Call it
   * once with what the operator typed and keep no copy: nothing ever gives it back (the view
   * says only whether one is stored, clientSecretMissing).
   */
  setClientSecret: async (id: string, secret: string): Promise<ProfileView> =>
    profile(await call((a) => a.SetClientSecret(id, secret))),
  /** Removes the profile with its token, sign-in session and cached results. */
  removeProfile: async (id: string): Promise<void> => {
    await call((a) => a.RemoveProfile(id))
  },
  /** Removes every profile, token, sign-in session, cached result and log. */
  removeAllData: async (): Promise<void> => {
    await call((a) => a.RemoveAllData())
  },
  /** Signs out of every profile whose token has expired; resolves with how many. */
  signOutExpired: async (): Promise<number> => (await call((a) => a.SignOutExpired())) ?? 0,
  /** The token's first and last four characters, such as "zpk_…9f3a". */
  maskedToken: async (id: string): Promise<string> => (await call((a) => a.MaskedToken(id))) ?? '',
  /** Go shows the whole token in a window of its own; resolves when the operator closed it. Nothing comes back. */
  showToken: async (id: string): Promise<void> => {
    await call((a) => a.ShowToken(id))
  },
  /** Go asks where to save; resolves with the path, or "" when the operator cancelled. */
  exportProfile: async (id: string): Promise<string> => (await call((a) => a.ExportProfile(id))) ?? '',
  /** Go asks for a profile file and adds it; null when the operator cancelled. */
  /**
   * Go asks for a profile file. A file naming only Zapier's hosts is added (profile); one naming
   * other hosts waits for the operator (pending, also in AppState.pendingImports); neither when
   * the operator cancelled.
   */
  importProfileFile: async (): Promise<ImportResult> => {
    const r = await call((a) => a.ImportProfileFile())
    return { profile: r?.profile ? profile(r.profile) : null, pending: r?.pending ? pendingImport(r.pending) : null }
  },
  /** The operator trusts the hosts of a waiting profile file: Go adds it. Only its id goes back. */
  confirmImport: async (id: string): Promise<ProfileView> => profile(await call((a) => a.ConfirmImport(id))),
  /** The operator does not trust them: Go forgets the file. */
  cancelImport: async (id: string): Promise<void> => {
    await call((a) => a.CancelImport(id))
  },
  /** The keychain cannot be used: keep tokens in memory until Partnerdesk quits. */
  keepTokensInMemory: async (): Promise<void> => {
    await call((a) => a.KeepTokensInMemory())
  },
  /** Signs in in the system browser; only for a profile whose browserMethod is "loopback". */
  signInWithBrowser: async (id: string, force: boolean): Promise<SignInOutcome> =>
    outcome(await call((a) => a.SignInWithBrowser(id, force))),
  /** Opens Zapier's page in the system browser for a sign-in whose answer the operator pastes. */
  startPaste: async (id: string, force: boolean): Promise<PasteStart> => {
    const s = await call((a) => a.StartPaste(id, force))
    return { authorizeUrl: s?.authorizeUrl ?? '', redirectUri: s?.redirectUri ?? '' }
  },
  completePaste: async (address: string): Promise<PasteOutcome> =>
    pasteOutcome(await call((a) => a.CompletePaste(address))),
  cancelPaste: async (): Promise<void> => {
    await call((a) => a.CancelPaste())
  },
  openURL: (url: string): Promise<void> => call((a) => a.OpenURL(url)),
  listResources: async (profileId: string): Promise<ResourceInfo[]> =>
    ((await call((a) => a.ListResources(profileId))) ?? []).map(resourceInfo),
  /** Starts fetching; resolves with the job id that the "resource:*" events carry. */
  fetchResource: (profileId: string, resourceId: string, all: boolean, params: Record<string, string>): Promise<string> =>
    call((a) => a.FetchResource(profileId, resourceId, all, params)),
  cancelFetch: async (jobId: string): Promise<void> => {
    await call((a) => a.CancelFetch(jobId))
  },
  /** Shows a list again: from what Go holds, or its saved copy; resolves with the job id. */
  reopenList: (profileId: string, resourceId: string, params: Record<string, string>): Promise<string> =>
    call((a) => a.ReopenList(profileId, resourceId, params)),
  /** The page no longer shows the list: Go forgets its items. */
  releaseList: async (profileId: string, resourceId: string): Promise<void> => {
    await call((a) => a.ReleaseList(profileId, resourceId))
  },
  /** A row's item as the API sent it, indented JSON; Go keeps the items. */
  rowJSON: async (profileId: string, resourceId: string, rowId: string): Promise<string> =>
    (await call((a) => a.RowJSON(profileId, resourceId, rowId))) ?? '',
  rowsJSON: async (profileId: string, resourceId: string, rowIds: string[]): Promise<string> =>
    (await call((a) => a.RowsJSON(profileId, resourceId, rowIds))) ?? '',
  /** Go puts the rows' JSON on the system clipboard (an array, or one item when asArray is false and there is one). */
  copyRows: async (profileId: string, resourceId: string, rowIds: string[], asArray: boolean): Promise<void> => {
    await call((a) => a.CopyRows(profileId, resourceId, rowIds, asArray))
  },
  /**
   * Tells Go the first screen is mounted (internal/desktop/ready.go times the start for `make bench`).
   * Never rejects: an older Go side, or none, simply does not hear it.
   */
  frontendReady: async (): Promise<void> => {
    try {
      await window.go?.desktop?.Session?.FrontendReady?.()
    } catch {
      // Timing only: nothing for the operator to see.
    }
  },
}

export type Backend = typeof backend

// Events. One Wails listener per event name, registered on first use, fans out to
// our own set of callbacks; unsubscribing only touches that set. This keeps working
// whether or not the Wails release in use returns an "off" function from EventsOn.

type Listener = (...data: unknown[]) => void
const listeners = new Map<string, Set<Listener>>()

function subscribe(eventName: string, fn: Listener): () => void {
  let set = listeners.get(eventName)
  if (!set) {
    const fresh = new Set<Listener>()
    listeners.set(eventName, fresh)
    set = fresh
    window.runtime?.EventsOn(eventName, (...data: unknown[]) => {
      for (const l of [...fresh]) l(...data)
    })
  }
  set.add(fn)
  return () => {
    set.delete(fn)
  }
}

// The stages Go sends (internal/signin's Stage constants, plus "done");
// stages_test.go in the root package fails when the two lists differ.
const STAGES = new Set(['opening', 'waiting', 'browser', 'storing', 'verifying', 'keychain-slow', 'done'])

function isProgress(v: unknown): v is SignInProgress {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return (
    typeof o.profileId === 'string' &&
    typeof o.stage === 'string' &&
    STAGES.has(o.stage) &&
    typeof o.message === 'string'
  )
}

/** Calls fn for each "signin:progress" event. Returns a function that stops it. */
export function onSignInProgress(fn: (p: SignInProgress) => void): () => void {
  return subscribe('signin:progress', (payload) => {
    if (isProgress(payload)) fn(payload)
  })
}

/** Calls fn whenever Go says the app state changed ("state:changed"); refetch with getState. */
export function onStateChanged(fn: () => void): () => void {
  return subscribe('state:changed', () => fn())
}

// The "resource:*" events. Payloads that do not fit are dropped; missing optional
// fields (Go's nil slices, absent strings) read as empty.

function record(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '')

function row(v: unknown): Row | null {
  const o = record(v)
  if (!o || (typeof o.id !== 'string' && typeof o.id !== 'number')) return null
  const cells = record(o.cells) ?? {}
  const text: Record<string, string> = {}
  for (const k in cells) {
    const c = cells[k]
    text[k] = c === null || c === undefined ? '' : String(c)
  }
  return { id: String(o.id), cells: text, url: str(o.url) }
}

// A row arrives as an array, [id, url, ...cells in the order of the page's columns]: the
// compact form Go sends 10,000 of. A row object ({id, cells, url}) is read too.
function arrayRow(v: unknown[], columns: string[]): Row | null {
  if (typeof v[0] !== 'string' && typeof v[0] !== 'number') return null
  const cells: Record<string, string> = {}
  for (let i = 0; i < columns.length; i++) {
    const c = v[i + 2]
    cells[columns[i]] = typeof c === 'string' ? c : c === null || c === undefined ? '' : String(c)
  }
  return { id: String(v[0]), cells, url: str(v[1]) }
}

function toPage(v: unknown, fetchedRows: unknown[] | null): ResourcePage | null {
  const o = record(v)
  if (!o || typeof o.jobId !== 'string') return null
  const columns = Array.isArray(o.columns) ? o.columns.map(str) : []
  const rows: Row[] = []
  for (const r of fetchedRows ?? (Array.isArray(o.rows) ? o.rows : [])) {
    const ok = Array.isArray(r) ? arrayRow(r, columns) : row(r)
    if (ok) rows.push(ok)
  }
  const fetched = typeof o.fetched === 'number' ? o.fetched : rows.length
  const total = typeof o.total === 'number' && o.total >= 0 ? o.total : null
  return {
    jobId: o.jobId,
    resourceId: str(o.resourceId),
    profileId: str(o.profileId),
    rows,
    fetched,
    total,
    done: o.done === true,
    // Without the flag, judge by the total; with neither, assume there may be more.
    hasMore: typeof o.hasMore === 'boolean' ? o.hasMore : total === null || fetched < total,
    fromCache: o.fromCache === true,
    asOf: str(o.asOf) || null,
  }
}

function toWait(v: unknown): ResourceWait | null {
  const o = record(v)
  if (!o || typeof o.jobId !== 'string' || typeof o.seconds !== 'number' || !(o.seconds >= 0)) return null
  return { jobId: o.jobId, seconds: o.seconds, reason: str(o.reason), kind: o.kind === 'retry' ? 'retry' : 'rate-limited' }
}

const ERROR_KINDS = new Set<ResourceErrorKind>([
  'token-invalid',
  'missing-scope',
  'rate-limited',
  'offline',
  'server',
  'cancelled',
  'other',
])

function toError(v: unknown): ResourceError | null {
  const o = record(v)
  if (!o || typeof o.jobId !== 'string') return null
  const kind = ERROR_KINDS.has(o.kind as ResourceErrorKind) ? (o.kind as ResourceErrorKind) : 'other'
  return { jobId: o.jobId, kind, message: str(o.message), scope: str(o.scope) }
}

// The rows of a "resource:page" event are not in it: an event is a script the web
// view runs, and rows inside it left the web process holding more memory after a
// list was left (make bench). The event names them (rowsRef) and they are fetched
// from Go's rows handler (desktop.RowsPath), once per event whoever listens. (The
// fake Go sides put the rows in the event itself; both are read.) The resource events
// are delivered in the order Go sent them: none overtakes a page whose rows are on
// their way.

const rowsOfEvent = new WeakMap<object, Promise<unknown[]>>()
/** Events whose lost rows the error listeners were told of: once, however many listen for pages. */
const lossReported = new WeakSet<object>()

async function fetchRows(ref: string): Promise<unknown[]> {
  const res = await fetch(`/rows/${encodeURIComponent(ref)}`, { cache: 'no-store' })
  if (!res.ok) throw new Error(`rows ${ref}: ${res.status}`)
  const rows: unknown = await res.json()
  if (!Array.isArray(rows)) throw new Error(`rows ${ref}: not a list`)
  return rows
}

/** The rows an event names, fetched once; null when the event brings its rows itself. */
function rowsOf(payload: unknown): Promise<unknown[]> | null {
  const o = record(payload)
  if (!o || typeof o.rowsRef !== 'string' || o.rowsRef === '') return null
  let rows = rowsOfEvent.get(o)
  if (!rows) {
    rows = fetchRows(o.rowsRef)
    rowsOfEvent.set(o, rows)
  }
  return rows
}

let queued = 0
let tail: Promise<void> = Promise.resolve()

/** Runs deliver now when nothing waits before it, else after what does. */
function inOrder(deliver: () => void | Promise<void>): void {
  if (queued === 0) {
    const r = deliver()
    if (!(r instanceof Promise)) return
    queued++
    tail = r.catch(() => {}).finally(() => void queued--)
    return
  }
  queued++
  tail = tail.then(deliver).catch(() => {}).finally(() => void queued--)
}

/**
 * Calls fn for each "resource:page" event, with its rows. A page whose rows cannot be
 * fetched reaches the "resource:error" listeners instead: the list says so and keeps
 * what it shows.
 */
export function onResourcePage(fn: (p: ResourcePage) => void): () => void {
  return subscribe('resource:page', (payload) => {
    const rows = rowsOf(payload)
    if (!rows) {
      inOrder(() => {
        const p = toPage(payload, null)
        if (p) fn(p)
      })
      return
    }
    inOrder(async () => {
      let fetched: unknown[]
      try {
        fetched = await rows
      } catch {
        const o = record(payload)
        if (o && typeof o.jobId === 'string' && !lossReported.has(o)) {
          lossReported.add(o)
          for (const l of errorListeners) l(rowsLost(o.jobId))
        }
        return
      }
      const p = toPage(payload, fetched)
      if (p) fn(p)
    })
  })
}

function rowsLost(jobId: string): ResourceError {
  return {
    jobId,
    kind: 'other',
    message: 'Partnerdesk could not show some of the rows it loaded. Reload the list to see them all.',
    scope: '',
  }
}

/** Calls fn for each "resource:wait" event. Returns a function that stops it. */
export function onResourceWait(fn: (w: ResourceWait) => void): () => void {
  return subscribe('resource:wait', (payload) =>
    inOrder(() => {
      const w = toWait(payload)
      if (w) fn(w)
    }),
  )
}

const errorListeners = new Set<(e: ResourceError) => void>()

/** Calls fn for each "resource:error" event. Returns a function that stops it. */
export function onResourceError(fn: (e: ResourceError) => void): () => void {
  errorListeners.add(fn)
  const off = subscribe('resource:error', (payload) =>
    inOrder(() => {
      const e = toError(payload)
      if (e) fn(e)
    }),
  )
  return () => {
    errorListeners.delete(fn)
    off()
  }
}

/** Forgets every event subscription. For tests, which install a fresh fake runtime each time. */
export function resetEventsForTests(): void {
  listeners.clear()
  errorListeners.clear()
  queued = 0
  tail = Promise.resolve()
}
