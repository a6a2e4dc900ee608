import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { FAKE_MASKED, FAKE_TOKEN, installFakeBackend } from '../../test/fakeBackend'
import { makeProfile } from '../../test/fixtures'
import { makeResource, makeRows } from '../../test/fixtures'
import {
  backend,
  errorMessage,
  NOT_CONNECTED,
  onResourceError,
  onResourcePage,
  onResourceWait,
  onSignInProgress,
  onStateChanged,
} from './backend'
import type {
  AppState,
  ImportResult,
  NewProfile,
  PasteOutcome,
  PasteStart,
  ProfileView,
  ResourceError,
  ResourceInfo,
  ResourcePage,
  Row,
  SignInOutcome,
} from './types'

describe('backend', () => {
  it('passes arguments through to the bound Go methods', async () => {
    const fake = installFakeBackend()
    await backend.signIn('p1', true)
    await backend.verify('p1')
    await backend.openURL('https://example.com/')
    expect(fake.App.SignIn).toHaveBeenCalledWith('p1', true)
    expect(fake.App.Verify).toHaveBeenCalledWith('p1')
    expect(fake.App.OpenURL).toHaveBeenCalledWith('https://example.com/')
  })

  it('rejects with Go’s message unchanged', async () => {
    const fake = installFakeBackend()
    fake.App.AddProfile.mockRejectedValue('The redirect URI must start with https:// or http://127.0.0.1.')
    const p: NewProfile = { name: 'x', clientId: 'y', redirectUri: 'z', scopes: '', authorizeUrl: '', apiBaseUrl: '', grant: '', tokenUrl: '' }
    await expect(backend.addProfile(p)).rejects.toThrow(
      /^The redirect URI must start with https:\/\/ or http:\/\/127\.0\.0\.1\.$/,
    )
  })

  it('turns Go’s nulls for empty lists and times into the declared types', async () => {
    const fake = installFakeBackend()
    const raw = {
      ...makeProfile(),
      scopes: null,
      grantedScopes: null,
      obtainedAt: '',
      lastVerifyNote: undefined,
    } as unknown as ProfileView
    fake.App.GetState.mockResolvedValue({ profiles: [raw], activeProfileId: '', notice: '', version: '' } as AppState)
    fake.App.Verify.mockResolvedValue(raw)
    const state = await backend.getState()
    expect(state.profiles[0]).toMatchObject({ scopes: [], grantedScopes: [], obtainedAt: null, lastVerifyNote: '' })
    expect(await backend.verify('p')).toMatchObject({ scopes: [], grantedScopes: [] })
    fake.App.GetState.mockResolvedValue({ profiles: null } as unknown as AppState)
    expect((await backend.getState()).profiles).toEqual([])
  })

  it('passes nothing back from CopyToken, whatever the binding returns', async () => {
    const fake = installFakeBackend()
    fake.App.CopyToken.mockResolvedValue('should-never-arrive' as unknown as void)
    await expect(backend.copyToken('p1')).resolves.toBeUndefined()
  })

  it('says the background service is missing when the page runs without Go', async () => {
    await expect(backend.getState()).rejects.toThrow(NOT_CONNECTED)
  })

  it('has words for an empty rejection', () => {
    expect(errorMessage('')).toMatch(/Try again/)
    expect(errorMessage(undefined)).toMatch(/Try again/)
  })
})

describe('resources', () => {
  it('passes the fetch, cancel and copy calls through', async () => {
    const fake = installFakeBackend()
    expect(await backend.fetchResource('p1', 'v2-actions', true, { app: 'slack' })).toBe('job-1')
    await backend.cancelFetch('job-1')
    fake.sendPage({ rows: makeRows(1) })
    await backend.copyRows('p1', 'v2-actions', ['1'], false)
    expect(fake.App.FetchResource).toHaveBeenCalledWith('p1', 'v2-actions', true, { app: 'slack' })
    expect(fake.App.CancelFetch).toHaveBeenCalledWith('job-1')
    expect(fake.App.CopyRows).toHaveBeenCalledWith('p1', 'v2-actions', ['1'], false)
  })

  it('reads Go’s nulls in a resource list as empty', async () => {
    const fake = installFakeBackend()
    const raw = { ...makeResource(), needsParams: null, columns: null, reason: undefined } as unknown as ResourceInfo
    fake.App.ListResources.mockResolvedValue([raw])
    expect((await backend.listResources('p1'))[0]).toMatchObject({ needsParams: [], columns: [], reason: '' })
    fake.App.ListResources.mockResolvedValue(null as unknown as ResourceInfo[])
    expect(await backend.listResources('p1')).toEqual([])
  })

  it('delivers pages with Go’s nulls filled in, and drops what is not a page', () => {
    const fake = installFakeBackend()
    const seen = vi.fn()
    onResourcePage(seen)
    fake.emit('resource:page', {
      jobId: 'job-1',
      resourceId: 'v1-zaps',
      profileId: 'p1',
      rows: [{ id: 7, cells: { title: 'A', count: 3, gone: null } }, { cells: {} }, 'junk'],
      fetched: 1,
      total: null,
      done: true,
      fromCache: true,
      asOf: '2025-03-04T13:00:00Z',
    })
    fake.emit('resource:page', { rows: [] })
    fake.emit('resource:page', null)
    fake.emit('resource:page', { jobId: 'job-2', rows: [], fetched: 100, total: 100, done: true })
    fake.emit('resource:page', { jobId: 'job-3', rows: [], fetched: 100, total: 500, done: true, hasMore: false })
    expect(seen).toHaveBeenCalledTimes(3)
    expect(seen.mock.calls[1][0].hasMore).toBe(false)
    expect(seen.mock.calls[2][0].hasMore).toBe(false)
    const page: ResourcePage = seen.mock.calls[0][0]
    expect(page.rows).toEqual([{ id: '7', cells: { title: 'A', count: '3', gone: '' }, url: '' }])
    expect(page).toMatchObject({ total: null, done: true, hasMore: true, fromCache: true, asOf: '2025-03-04T13:00:00Z' })
  })

  it('fetches the rows a page names, once, and delivers nothing after it before them', async () => {
    const fake = installFakeBackend()
    let answer!: (r: Response) => void
    const fetched = vi.fn(() => new Promise<Response>((resolve) => (answer = resolve)))
    vi.stubGlobal('fetch', fetched)
    try {
      const order: string[] = []
      const pages: ResourcePage[] = []
      onResourcePage((p) => {
        order.push('page')
        pages.push(p)
      })
      onResourcePage(() => order.push('page, second listener'))
      onResourceWait(() => order.push('wait'))
      onResourceError(() => order.push('error'))
      fake.emit('resource:page', { jobId: 'job-1', columns: ['title'], rowsRef: 'job-1-1', rowCount: 1, fetched: 1 })
      fake.emit('resource:wait', { jobId: 'job-1', seconds: 5, reason: 'Rate limited' })
      fake.emit('resource:error', { jobId: 'job-1', kind: 'offline', message: 'm' })
      expect(order).toEqual([])
      expect(fetched).toHaveBeenCalledTimes(1) // both listeners, one fetch
      expect(fetched.mock.calls[0]).toEqual(['/rows/job-1-1', { cache: 'no-store' }])
      answer(new Response(JSON.stringify([['z1', 'https://zapier.com/z1', 'Hello']])))
      await vi.waitFor(() => expect(order).toEqual(['page', 'page, second listener', 'wait', 'error']))
      expect(pages[0].rows).toEqual([{ id: 'z1', cells: { title: 'Hello' }, url: 'https://zapier.com/z1' }])
      // Once the queue is empty, an event without rows to fetch is delivered at once.
      fake.emit('resource:wait', { jobId: 'job-1', seconds: 5, reason: 'Rate limited' })
      expect(order.at(-1)).toBe('wait')
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('says so when the rows of a page cannot be fetched, rather than drop them quietly', async () => {
    const fake = installFakeBackend()
    vi.stubGlobal('fetch', vi.fn(async () => new Response('', { status: 404 })))
    try {
      const pages = vi.fn()
      const errors = vi.fn()
      onResourcePage(pages)
      onResourcePage(pages) // a second listener: still one error
      const waits = vi.fn()
      onResourceError(errors)
      onResourceWait(waits)
      fake.emit('resource:page', { jobId: 'job-1', columns: ['title'], rowsRef: 'job-1-1', rowCount: 3, fetched: 3 })
      fake.emit('resource:wait', { jobId: 'job-1', seconds: 1, reason: 'r' }) // delivered after both page listeners
      await vi.waitFor(() => expect(waits).toHaveBeenCalled())
      expect(errors).toHaveBeenCalledTimes(1)
      expect(pages).not.toHaveBeenCalled()
      expect(errors.mock.calls[0][0]).toMatchObject({ jobId: 'job-1', kind: 'other' })
      expect(errors.mock.calls[0][0].message).toMatch(/Reload the list/)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('delivers waits and errors, reading an unknown error kind as "other"', () => {
    const fake = installFakeBackend()
    const waits = vi.fn()
    const errors = vi.fn()
    onResourceWait(waits)
    onResourceError(errors)
    fake.emit('resource:wait', { jobId: 'job-1', seconds: 42, reason: 'Rate limited' })
    fake.emit('resource:wait', { jobId: 'job-1', seconds: 'soon' })
    fake.emit('resource:wait', { jobId: 'job-1', seconds: 4, reason: 'Try 2 of 4.', kind: 'retry' })
    fake.emit('resource:error', { jobId: 'job-1', kind: 'missing-scope', message: 'm', scope: 'zap:runs' })
    fake.emit('resource:error', { jobId: 'job-1', kind: 'gremlins' })
    expect(waits.mock.calls).toEqual([
      [{ jobId: 'job-1', seconds: 42, reason: 'Rate limited', kind: 'rate-limited' }],
      [{ jobId: 'job-1', seconds: 4, reason: 'Try 2 of 4.', kind: 'retry' }],
    ])
    expect(errors.mock.calls).toEqual([
      [{ jobId: 'job-1', kind: 'missing-scope', message: 'm', scope: 'zap:runs' }],
      [{ jobId: 'job-1', kind: 'other', message: '', scope: '' }],
    ])
  })
})

describe('events', () => {
  it('delivers sign-in progress and ignores malformed payloads', () => {
    const fake = installFakeBackend()
    const seen = vi.fn()
    const stop = onSignInProgress(seen)
    fake.emit('signin:progress', { profileId: 'p1', stage: 'waiting', message: 'Waiting' })
    fake.emit('signin:progress', { profileId: 'p1', stage: 'teleporting', message: 'x' })
    fake.emit('signin:progress', 'nonsense')
    expect(seen).toHaveBeenCalledTimes(1)
    expect(seen).toHaveBeenCalledWith({ profileId: 'p1', stage: 'waiting', message: 'Waiting' })
    stop()
    fake.emit('signin:progress', { profileId: 'p1', stage: 'done', message: '' })
    expect(seen).toHaveBeenCalledTimes(1)
  })

  it('registers one Wails listener per event however many subscribe', () => {
    const fake = installFakeBackend()
    const on = vi.spyOn(window.runtime!, 'EventsOn')
    const a = vi.fn()
    const b = vi.fn()
    onStateChanged(a)
    onStateChanged(b)
    expect(on).toHaveBeenCalledTimes(1)
    fake.emit('state:changed')
    expect(a).toHaveBeenCalledOnce()
    expect(b).toHaveBeenCalledOnce()
  })
})

describe('the token never reaches the page', () => {
  it('offers exactly these calls, and none returns the token', async () => {
    expect(Object.keys(backend).sort()).toEqual(
      [
        'addProfile',
        'addSandboxProfile',
        'cancelFetch',
        'cancelImport',
        'cancelPaste',
        'cancelSignIn',
        'completePaste',
        'confirmImport',
        'copyRows',
        'copyToken',
        'exportProfile',
        'fetchResource',
        'frontendReady',
        'getState',
        'importProfileFile',
        'keepTokensInMemory',
        'listResources',
        'maskedToken',
        'openURL',
        'releaseList',
        'removeAllData',
        'removeProfile',
        'reopenList',
        'rowJSON',
        'rowsJSON',
        'selectProfile',
        'setClientSecret',
        'showToken',
        'signIn',
        'signInWithBrowser',
        'signOut',
        'signOutExpired',
        'startPaste',
        'updateProfile',
        'verify',
      ].sort(),
    )
    const fake = installFakeBackend()
    fake.App.CopyToken.mockResolvedValue(undefined)
    await expect(backend.copyToken('p1')).resolves.toBeUndefined()
    expectTypeOf(backend.copyToken).returns.toEqualTypeOf<Promise<void>>()
    // Were Go to answer Show with the token, the page would still get nothing.
    fake.App.ShowToken.mockResolvedValue(FAKE_TOKEN as unknown as void)
    await expect(backend.showToken('p1')).resolves.toBeUndefined()
    expectTypeOf(backend.showToken).returns.toEqualTypeOf<Promise<void>>()
    expect(fake.App.ShowToken).toHaveBeenCalledWith('p1')
    await expect(backend.maskedToken('p1')).resolves.toBe(FAKE_MASKED)
  })

  it('has no token-bearing field in any type Go sends', () => {
    type Tokenish<T> = Extract<keyof T, `${string}${'token' | 'Token' | 'secret' | 'Secret'}${string}`>
    // Flags and an address only: whether Zapier rejected the token, where a code-grant
    // profile trades its codes, whether its client secret is missing from the keychain.
    expectTypeOf<Tokenish<ProfileView>>().toEqualTypeOf<'tokenInvalid' | 'tokenUrl' | 'clientSecretMissing'>()
    expectTypeOf<ProfileView['clientSecretMissing']>().toEqualTypeOf<boolean>()
    expectTypeOf<Tokenish<AppState>>().toBeNever()
    expectTypeOf<Tokenish<SignInOutcome>>().toBeNever()
    expectTypeOf<Tokenish<PasteOutcome>>().toBeNever()
    expectTypeOf<Tokenish<PasteStart>>().toBeNever()
    expectTypeOf<Tokenish<ResourceInfo>>().toBeNever()
    expectTypeOf<Tokenish<ResourcePage>>().toBeNever()
    expectTypeOf<Tokenish<Row>>().toBeNever()
    expectTypeOf<Tokenish<ResourceError>>().toBeNever()
  })
})

describe('profile, token and browser sign-in calls', () => {
  it('pass their arguments through', async () => {
    const fake = installFakeBackend({ profiles: [makeProfile()] })
    const fields: NewProfile = { name: 'Renamed', clientId: 'c', redirectUri: 'https://a.example/cb', scopes: 'profile', authorizeUrl: '', apiBaseUrl: '', grant: '', tokenUrl: '' }
    expect(await backend.updateProfile('p-acme', fields)).toMatchObject({ id: 'p-acme', name: 'Renamed' })
    expect(fake.App.UpdateProfile).toHaveBeenCalledWith('p-acme', fields)
    await backend.removeProfile('p-acme')
    expect(fake.App.RemoveProfile).toHaveBeenCalledWith('p-acme')
    await backend.signInWithBrowser('p-acme', true)
    expect(fake.App.SignInWithBrowser).toHaveBeenCalledWith('p-acme', true)
    await backend.startPaste('p-acme', false)
    expect(fake.App.StartPaste).toHaveBeenCalledWith('p-acme', false)
    await backend.completePaste('https://a.example/cb#access_token=x&state=s')
    expect(fake.App.CompletePaste).toHaveBeenCalledWith('https://a.example/cb#access_token=x&state=s')
    await backend.exportProfile('p-acme')
    expect(fake.App.ExportProfile).toHaveBeenCalledWith('p-acme')
  })

  it('reads Go’s empty answers as the declared types', async () => {
    const fake = installFakeBackend()
    fake.App.GetState.mockResolvedValue({ profiles: [{ ...makeProfile(), missingScopes: null }], activeProfileId: '', notice: '', version: '' } as unknown as AppState)
    const state = await backend.getState()
    expect(state.keychain).toEqual({ problem: '', sessionOnly: false })
    expect(state.profiles[0].missingScopes).toEqual([])
    fake.App.ImportProfileFile.mockResolvedValue({ profile: null, pending: null })
    expect(await backend.importProfileFile()).toEqual({ profile: null, pending: null })
    fake.App.ImportProfileFile.mockResolvedValue({
      profile: null,
      pending: { id: 'i1', file: 'x.pdprofile', name: 'X', hosts: [{ host: 'evil.example', gets: null }] },
    } as unknown as ImportResult)
    expect((await backend.importProfileFile()).pending?.hosts).toEqual([{ host: 'evil.example', gets: [] }])
    fake.App.ExportProfile.mockResolvedValue('')
    expect(await backend.exportProfile('p')).toBe('')
    fake.App.CompletePaste.mockResolvedValue({ ok: false, message: 'Not the redirect.' } as unknown as PasteOutcome)
    expect(await backend.completePaste('x')).toEqual({ ok: false, cancelled: false, message: 'Not the redirect.', profile: null, retry: false })
  })

  it('rejects with Go’s words', async () => {
    const fake = installFakeBackend()
    fake.App.RemoveAllData.mockRejectedValue('The keychain is locked. Unlock it and try again.')
    await expect(backend.removeAllData()).rejects.toThrow('The keychain is locked. Unlock it and try again.')
  })
})
