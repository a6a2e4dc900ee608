// A stand-in for what Wails injects (window.go.main.App and window.runtime), so
// components run against backend.ts unchanged. Each bound method is a vi.fn the test
// can inspect or re-program; emit() fires a Go event. Like Go, it remembers added
// profiles and the selected one, so GetState after AddProfile includes the new one.
// FetchResource answers "job-1", "job-2", …; sendPage/sendWait/sendError then play
// Go's part for the latest job (or the one named).

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

export function installFakeBackend(
  state: Partial<AppState> = {},
  opts: { resources?: ResourceInfo[] } = {},
): FakeBackend {
  const jobs: FakeJob[] = []
  const sent = new Map<string, number>()
  const full: AppState = { profiles: [], activeProfileId: '', notice: '', version: '0.0.0-test', ...state }
  const remember = (p: ProfileView) => {
    full.profiles = [...full.profiles.filter((q) => q.id !== p.id), p]
    return p
  }
  const App: Fake<AppBindings> = {
    GetState: vi.fn(async () => structuredClone(full)),
    AddSandboxProfile: vi.fn(async () => remember(makeProfile({ id: 'p-sandbox', name: 'Sandbox', sandbox: true }))),
    AddProfile: vi.fn(async (p) => remember(makeProfile({ id: 'p-new', name: p.name }))),
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
    CopyRow: vi.fn(async () => {}),
  }
  const handlers = new Map<string, Set<(...data: unknown[]) => void>>()
  window.go = { main: { App } }
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
      const page: ResourcePage = {
        jobId: job.jobId,
        profileId: job.profileId,
        resourceId: job.resourceId,
        rows,
        fetched,
        total: null,
        done: false,
        hasMore: over.total !== undefined && over.total !== null ? fetched < over.total : !over.done,
        fromCache: false,
        asOf: null,
        ...over,
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
