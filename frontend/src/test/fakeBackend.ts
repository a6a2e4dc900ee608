// A stand-in for what Wails injects (window.go.main.App and window.runtime), so
// components run against backend.ts unchanged. Each bound method is a vi.fn the test
// can inspect or re-program; emit() fires a Go event. Like Go, it remembers added
// profiles and the selected one, so GetState after AddProfile includes the new one.

import { vi, type Mock } from 'vitest'
import { resetEventsForTests } from '../lib/api/backend'
import type { AppBindings, AppState, ProfileView } from '../lib/api/types'
import { makeProfile } from './fixtures'

type Fake<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? Mock<(...a: A) => R> : never }

export type FakeBackend = {
  App: Fake<AppBindings>
  emit(eventName: string, ...data: unknown[]): void
}

export function installFakeBackend(state: Partial<AppState> = {}): FakeBackend {
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
  return {
    App,
    emit(name, ...data) {
      for (const cb of handlers.get(name) ?? []) cb(...data)
    },
  }
}

export function removeFakeBackend(): void {
  delete window.go
  delete window.runtime
  resetEventsForTests()
}
