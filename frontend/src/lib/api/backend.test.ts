import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { installFakeBackend } from '../../test/fakeBackend'
import { makeProfile } from '../../test/fixtures'
import { backend, errorMessage, NOT_CONNECTED, onSignInProgress, onStateChanged } from './backend'
import type { AppState, NewProfile, ProfileView, SignInOutcome } from './types'

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
    const p: NewProfile = { name: 'x', clientId: 'y', redirectUri: 'z', scopes: '', authorizeUrl: '', apiBaseUrl: '' }
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
    fake.App.GetState.mockResolvedValue({ profiles: [raw], activeProfileId: '', notice: '', version: '' })
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
  it('offers exactly these calls, and the only token one returns nothing', async () => {
    expect(Object.keys(backend).sort()).toEqual(
      [
        'addProfile',
        'addSandboxProfile',
        'cancelSignIn',
        'copyToken',
        'getState',
        'openURL',
        'selectProfile',
        'signIn',
        'signOut',
        'verify',
      ].sort(),
    )
    const fake = installFakeBackend()
    fake.App.CopyToken.mockResolvedValue(undefined)
    await expect(backend.copyToken('p1')).resolves.toBeUndefined()
    expectTypeOf(backend.copyToken).returns.toEqualTypeOf<Promise<void>>()
  })

  it('has no token-bearing field in any type Go sends', () => {
    type Tokenish<T> = Extract<keyof T, `${string}${'token' | 'Token' | 'secret' | 'Secret'}${string}`>
    expectTypeOf<Tokenish<ProfileView>>().toEqualTypeOf<'tokenInvalid'>()
    expectTypeOf<Tokenish<AppState>>().toBeNever()
    expectTypeOf<Tokenish<SignInOutcome>>().toBeNever()
  })
})
