// A stand-in for what Wails injects (window.go.desktop's services and window.runtime), so
// components run against backend.ts unchanged. Each bound method is a vi.fn the test
// can inspect or re-program; emit() fires a Go event. Like Go, it remembers added
// profiles and the selected one, so GetState after AddProfile includes the new one.
// FetchResource (and ReopenList) answer "job-1", "job-2", …; sendPage/sendWait/sendError
// then play Go's part for the latest job (or the one named): sendPage sends the rows as
// Go does ([id, url, ...cells] under the page's columns) and, like Go, keeps each row's
// item (a fixture row's raw) for RowJSON, RowsJSON and CopyRows, until ReleaseList. The profile methods (UpdateProfile,
// RemoveProfile, RemoveAllData, SignOutExpired, ImportProfileFile, ConfirmImport,
// CancelImport) change what GetState returns, as Go does; MaskedToken answers FAKE_MASKED. No method answers a token, as
// in Go; FAKE_TOKEN is there for tests that make sure the page never shows one.
// App implements AppBindings, which is generated from Go: a method Go adds or changes
// makes this file fail `npm run check` until the fake follows.

import { vi, type Mock } from 'vitest'
import { resetEventsForTests } from '../lib/api/backend'
import type {
  AppBindings,
  AppState,
  ProfileView,
  ResourceErrorKind,
  ResourceInfo,
  ResourcePage,
} from '../lib/api/types'
import { makeProfile, makeResources } from './fixtures'

type Fake<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? Mock<(...a: A) => R> : never }

export type FakeJob = {
  jobId: string
  profileId: string
  resourceId: string
  all: boolean
  params: Record<string, string>
}

export type FakeBackend = {
  App: Fake<AppBindings>
  emit(eventName: string, ...data: unknown[]): void
  /** Every FetchResource call so far, oldest first. */
  jobs: FakeJob[]
  /** The latest job; fails the test when there is none. */
  lastJob(): FakeJob
  /** Emits "resource:page" for the latest job; fetched defaults to the rows sent so far in it. */
  sendPage(over?: Partial<ResourcePage>): void
  /** Emits "resource:wait" for the latest job. */
  sendWait(seconds: number, reason?: string, kind?: 'rate-limited' | 'retry'): void
  /** Emits "resource:error" for the latest job. */
  sendError(kind: ResourceErrorKind, message?: string, scope?: string): void
}

/** A token, for tests that program a method to return one: long enough that expectNothingTokenLike would catch it. */
/** What Go's view says of a code-grant profile (with a client secret), signed out. */
export const CODE_GRANT = {
  grant: 'code',
  grantLabel: 'With a client secret: renews by itself',
  tokenUrl: 'https://zapier.com/oauth/token/',
} as const

export const FAKE_TOKEN = 'zpk_live_4f1c0a9e7b2d48c6a1e3f5b7d9c2e4a6'
/** What the fake MaskedToken answers. */
export const FAKE_MASKED = 'zpk_…e4a6'

export function installFakeBackend(
  state: Partial<AppState> = {},
  opts: { resources?: ResourceInfo[] } = {},
): FakeBackend {
  const jobs: FakeJob[] = []
  const sent = new Map<string, number>()
  // The items Go would hold, per list ("profileId resourceId"), by row id.
  const items = new Map<string, Map<string, unknown>>()
  const itemsOf = (profileId: string, resourceId: string, ids: string[]): unknown[] => {
    const held = items.get(`${profileId} ${resourceId}`)
    if (!held || ids.some((id) => !held.has(id))) throw 'These rows are no longer loaded. Load the list again, then try again.'
    return ids.map((id) => held.get(id))
  }
  const full: AppState = {
    profiles: [],
    activeProfileId: '',
    notice: '',
    version: '0.0.0-test',
    keychain: { problem: '', sessionOnly: false },
    pendingImports: [],
    ...state,
  }
  const remember = (p: ProfileView) => {
    full.profiles = [...full.profiles.filter((q) => q.id !== p.id), p]
    return p
  }
  const App: Fake<AppBindings> = {
    GetState: vi.fn(async () => structuredClone(full)),
    AddSandboxProfile: vi.fn(async (grant) =>
      remember(
        grant === 'code'
          ? makeProfile({ id: 'p-sandbox-code', name: 'Sandbox with client secret', sandbox: true, ...CODE_GRANT })
          : makeProfile({ id: 'p-sandbox', name: 'Sandbox', sandbox: true }),
      ),
    ),
    SetClientSecret: vi.fn(async (id) => {
      const old = full.profiles.find((q) => q.id === id) ?? makeProfile({ id, ...CODE_GRANT })
      return structuredClone(remember({ ...old, clientSecretMissing: false }))
    }),
    AddProfile: vi.fn(async (p) =>
      remember(
        makeProfile({
          id: 'p-new',
          name: p.name,
          ...(p.grant === 'code' ? { ...CODE_GRANT, tokenUrl: p.tokenUrl || CODE_GRANT.tokenUrl, clientSecretMissing: true } : {}),
        }),
      ),
    ),
    SelectProfile: vi.fn(async (id) => {
      full.activeProfileId = id
    }),
    SignIn: vi.fn(async () => ({ ok: true, cancelled: false, message: '', profile: null })),
    CancelSignIn: vi.fn(async () => {}),
    Verify: vi.fn(async (id) => makeProfile({ id })),
    CopyToken: vi.fn(async () => {}),
    SignOut: vi.fn(async (id) => makeProfile({ id })),
    OpenURL: vi.fn(async () => {}),
    ListResources: vi.fn(async () => structuredClone(opts.resources ?? makeResources())),
    FetchResource: vi.fn(async (profileId, resourceId, all, params) => {
      const jobId = `job-${jobs.length + 1}`
      jobs.push({ jobId, profileId, resourceId, all, params })
      return jobId
    }),
    CancelFetch: vi.fn(async () => {}),
    ReopenList: vi.fn(async (profileId, resourceId, params) => {
      const jobId = `job-${jobs.length + 1}`
      jobs.push({ jobId, profileId, resourceId, all: false, params })
      return jobId
    }),
    ReleaseList: vi.fn(async (profileId, resourceId) => {
      items.delete(`${profileId} ${resourceId}`)
    }),
    RowJSON: vi.fn(async (profileId, resourceId, id) => JSON.stringify(itemsOf(profileId, resourceId, [id])[0], null, 2)),
    RowsJSON: vi.fn(async (profileId, resourceId, ids) => JSON.stringify(itemsOf(profileId, resourceId, ids), null, 2)),
    CopyRows: vi.fn(async (profileId, resourceId, ids) => {
      itemsOf(profileId, resourceId, ids)
    }),
    UpdateProfile: vi.fn(async (id, p) => {
      const old = full.profiles.find((q) => q.id === id) ?? makeProfile({ id })
      const scopes = p.scopes.split(/\s+/).filter((s) => s !== '')
      const grant = p.grant === 'code' ? 'code' : 'implicit'
      const updated = { ...old, name: p.name, clientId: p.clientId, redirectUri: p.redirectUri, scopes, grant } as const
      full.profiles = full.profiles.map((q) => (q.id === id ? updated : q))
      return structuredClone(updated)
    }),
    RemoveProfile: vi.fn(async (id) => {
      full.profiles = full.profiles.filter((q) => q.id !== id)
    }),
    RemoveAllData: vi.fn(async () => {
      full.profiles = []
      full.activeProfileId = ''
    }),
    SignOutExpired: vi.fn(async () => {
      const now = Date.now()
      let n = 0
      full.profiles = full.profiles.map((q) => {
        const expired = q.signedIn && (q.expired || (q.expiresAt !== null && Date.parse(q.expiresAt) <= now))
        if (!expired) return q
        n++
        return { ...q, signedIn: false, expired: false, identity: null, grantedScopes: [], expiresAt: null }
      })
      return n
    }),
    MaskedToken: vi.fn(async () => FAKE_MASKED),
    ShowToken: vi.fn(async () => {}),
    ExportProfile: vi.fn(async () => '/home/operator/Acme production.pdprofile'),
    ImportProfileFile: vi.fn(async () => ({
      profile: remember(makeProfile({ id: 'p-imported', name: 'Imported' })),
      pending: null,
    })),
    ConfirmImport: vi.fn(async (id) => {
      const waiting = full.pendingImports.find((q) => q.id === id)
      if (!waiting) throw 'This import is no longer waiting. Import the file again.'
      full.pendingImports = full.pendingImports.filter((q) => q.id !== id)
      return remember(makeProfile({ id: 'p-' + id, name: waiting.name, untrustedHosts: waiting.hosts }))
    }),
    CancelImport: vi.fn(async (id) => {
      full.pendingImports = full.pendingImports.filter((q) => q.id !== id)
    }),
    KeepTokensInMemory: vi.fn(async () => {
      full.keychain = { problem: '', sessionOnly: true }
    }),
    SignInWithBrowser: vi.fn(async () => ({ ok: true, cancelled: false, message: '', profile: null })),
    StartPaste: vi.fn(async (id) => ({
      authorizeUrl: 'https://zapier.com/oauth/authorize/?response_type=token&state=s1',
      redirectUri: full.profiles.find((q) => q.id === id)?.redirectUri ?? 'https://acme.example/oauth/zapier',
    })),
    CompletePaste: vi.fn(async () => ({ ok: true, cancelled: false, message: '', profile: null, retry: false })),
    CancelPaste: vi.fn(async () => {}),
    FrontendReady: vi.fn(async () => {}),
  }
  const handlers = new Map<string, Set<(...data: unknown[]) => void>>()
  // Each service is the same object: backend.ts gathers their methods into one.
  window.go = { desktop: { Session: App, SignIn: App, Profiles: App, Browse: App } }
  window.runtime = {
    EventsOn(name, cb) {
      const set = handlers.get(name) ?? new Set()
      handlers.set(name, set)
      set.add(cb)
      return () => set.delete(cb)
    },
  }
  resetEventsForTests()
  const emit = (name: string, ...data: unknown[]) => {
    for (const cb of handlers.get(name) ?? []) cb(...data)
  }
  const lastJob = () => {
    const job = jobs.at(-1)
    if (!job) throw new Error('the fake Go side was asked for no FetchResource yet')
    return job
  }
  return {
    App,
    emit,
    jobs,
    lastJob,
    sendPage(over = {}) {
      const job = over.jobId ? (jobs.find((j) => j.jobId === over.jobId) ?? lastJob()) : lastJob()
      const rows = over.rows ?? []
      const fetched = (sent.get(job.jobId) ?? 0) + rows.length
      sent.set(job.jobId, fetched)
      const key = `${job.profileId} ${job.resourceId}`
      const held = items.get(key) ?? new Map<string, unknown>()
      items.set(key, held)
      for (const r of rows) held.set(r.id, 'raw' in r ? r.raw : r.cells)
      const columns = [...new Set(rows.flatMap((r) => Object.keys(r.cells)))]
      const page = {
        jobId: job.jobId,
        profileId: job.profileId,
        resourceId: job.resourceId,
        fetched,
        total: null,
        done: false,
        hasMore: over.total !== undefined && over.total !== null ? fetched < over.total : !over.done,
        fromCache: false,
        asOf: null,
        ...over,
        columns,
        rows: rows.map((r) => [r.id, r.url, ...columns.map((c) => r.cells[c] ?? '')]),
      }
      emit('resource:page', page)
    },
    sendWait(seconds, reason = '', kind = 'rate-limited') {
      emit('resource:wait', { jobId: lastJob().jobId, seconds, reason, kind })
    },
    sendError(kind, message = '', scope = '') {
      emit('resource:error', { jobId: lastJob().jobId, kind, message, scope })
    },
  }
}

export function removeFakeBackend(): void {
  delete window.go
  delete window.runtime
  resetEventsForTests()
}
