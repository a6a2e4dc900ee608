import { beforeEach, describe, expect, it } from 'vitest'
import { installFakeBackend, type FakeBackend } from '../../test/fakeBackend'
import { makeProfile, signedInProfile } from '../../test/fixtures'
import { seedProfiles } from '../../test/seedProfiles'
import { signIn } from '../../lib/signin.svelte'
import { toasts } from '../../lib/ui/toasts.svelte'
import { profiles } from '../profiles/profiles.svelte'
import { signInTo } from './signedIn'

let fake: FakeBackend
const acme = makeProfile()

beforeEach(() => {
  fake = installFakeBackend({ profiles: [acme] })
  seedProfiles([acme])
})

describe('signInTo', () => {
  it('puts the signed-in profile in the store and says who signed in, once', async () => {
    const view = signedInProfile(new Date())
    fake.App.SignIn.mockResolvedValue({ ok: true, cancelled: false, message: '', profile: view })
    expect(await signInTo(acme, false)).toBe(true)
    expect(profiles.selected).toEqual(view)
    expect(toasts.items.map((t) => t.message)).toEqual(['Signed in as Ada Lovelace.'])
  })

  it('names the profile when Zapier gave no name', async () => {
    const view = signedInProfile(new Date(), { identity: null })
    fake.App.SignInWithBrowser.mockResolvedValue({ ok: true, cancelled: false, message: '', profile: view })
    expect(await signInTo(acme, true, 'browser')).toBe(true)
    expect(fake.App.SignInWithBrowser).toHaveBeenCalledWith('p-acme', true)
    expect(toasts.items.map((t) => t.message)).toEqual(['Signed in to Acme production.'])
  })

  it('says nothing when the sign-in did not work (the card shows why)', async () => {
    fake.App.SignIn.mockResolvedValue({ ok: false, cancelled: true, message: 'You closed the window.', profile: null })
    expect(await signInTo(acme, false)).toBe(false)
    expect(toasts.items).toEqual([])
    expect(profiles.selected).toEqual(acme)
    expect(signIn.problem?.message).toBe('You closed the window.')
  })
})
