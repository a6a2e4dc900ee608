import { render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { tick } from 'svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { installFakeBackend, type FakeBackend } from '../../test/fakeBackend'
import { makeProfile, signedInProfile } from '../../test/fixtures'
import { expectNothingTokenLike } from '../../test/tokenlike'
import { formatAbsolute } from '../../lib/format'
import { toasts } from '../../lib/ui/toasts.svelte'
import type { ProfileView } from '../../lib/api/types'
import { profiles as store } from '../profiles/profiles.svelte'
import { seedProfiles } from '../../test/seedProfiles'
import TokenOverview from './TokenOverview.svelte'

const NOW = new Date('2025-03-04T13:00:00Z')
const min = (n: number) => new Date(NOW.getTime() + n * 60_000)

const live = signedInProfile(min(-2), { id: 'p-live', name: 'Acme production' })
const short = signedInProfile(min(-598), {
  id: 'p-short',
  name: 'Reporting',
  identity: { id: '43', fullName: 'Grace Hopper', email: 'grace@acme.example' },
  scopes: ['profile', 'zap', 'zap:runs'],
  missingScopes: ['zap:runs'],
})
const expired = signedInProfile(min(-700), { id: 'p-old', name: 'Acme EU', expired: true })
// Go has not noticed yet; the clock has.
const justExpired = signedInProfile(min(-601), { id: 'p-late', name: 'Late' })
const rejected = signedInProfile(min(-30), {
  id: 'p-bad',
  name: 'Old integration',
  tokenInvalid: true,
  lastVerifyOk: false,
  lastVerifyNote: 'Zapier answered 401: the token is not valid any more.',
})
const signedOut = makeProfile({ id: 'p-none', name: 'Acme staging' })
const all = [live, short, expired, justExpired, rejected, signedOut]

let fake: FakeBackend
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW)
  fake = installFakeBackend({ profiles: structuredClone(all) })
})
afterEach(() => {
  vi.useRealTimers()
})

function open(profiles: ProfileView[] = all) {
  seedProfiles(profiles)
  const replaced = vi.spyOn(store, 'replace')
  const loaded = vi.spyOn(store, 'load')
  const props = { onopen: vi.fn() }
  render(TokenOverview, props)
  return { ...props, replaced, loaded }
}

const row = (name: string) => screen.getByRole('row', { name: new RegExp(`^${name}`) })

describe('TokenOverview', () => {
  it('lists every profile with its state, account, scopes, times and last check, without calling Go', () => {
    open()
    expect(screen.getAllByTestId('token-row')).toHaveLength(6)

    const acme = row('Acme production')
    expect(acme).toHaveTextContent('Ada Lovelace')
    expect(acme).toHaveTextContent('ada@acme.example')
    expect(acme).toHaveTextContent('Signed in')
    expect(within(acme).getByTestId('expiry')).toHaveTextContent('Expires in 9 h 58 min')
    expect(acme).toHaveTextContent(`Obtained ${formatAbsolute(min(-2), NOW)}`)
    expect(within(acme).getByRole('list', { name: 'Scopes granted' })).toHaveTextContent('profilezap')
    expect(within(acme).getByTestId('verified')).toHaveTextContent(`${formatAbsolute(min(-2), NOW)} Zapier accepted the token`)

    expect(within(row('Reporting')).getByRole('list', { name: 'Scopes granted' })).toHaveTextContent('missing zap:runs')

    const old = row('Acme EU')
    expect(old).toHaveClass('expired')
    expect(old).toHaveTextContent('Expired')
    expect(within(old).getByTestId('expiry')).toHaveTextContent('Expired 1 h 40 min ago')
    expect(within(old).queryByRole('button', { name: 'Verify now' })).toBeNull()

    expect(row('Late')).toHaveClass('expired')

    const bad = row('Old integration')
    expect(bad).toHaveClass('invalid')
    expect(bad).toHaveTextContent('Token rejected')
    expect(bad).toHaveTextContent('Zapier answered 401: the token is not valid any more.')
    expect(within(bad).getByRole('button', { name: 'Verify now' })).toBeInTheDocument()

    const none = row('Acme staging')
    expect(none).toHaveTextContent('Not signed in')
    expect(none).toHaveTextContent('Asks for profile zap')

    expect(screen.getByRole('list', { name: 'Summary' })).toHaveTextContent(
      '2 signed in2 expired1 token rejected1 not signed in',
    )
    for (const call of [fake.App.GetState, fake.App.Verify, fake.App.MaskedToken, fake.App.ListResources]) {
      expect(call).not.toHaveBeenCalled()
    }
    expectNothingTokenLike()
  })

  it('counts down each minute, and marks a token expired when its time comes', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    vi.setSystemTime(NOW)
    open()
    expect(within(row('Reporting')).getByTestId('expiry')).toHaveTextContent('Expires in 2 min')
    expect(within(row('Acme production')).getByTestId('expiry')).toHaveTextContent('Expires in 9 h 58 min')

    vi.advanceTimersByTime(60_000)
    await tick()
    expect(within(row('Reporting')).getByTestId('expiry')).toHaveTextContent('Expires in 1 min')
    expect(within(row('Acme production')).getByTestId('expiry')).toHaveTextContent('Expires in 9 h 57 min')

    vi.advanceTimersByTime(60_000)
    await tick()
    expect(row('Reporting')).toHaveClass('expired')
    expect(within(row('Reporting')).getByTestId('expiry')).toHaveTextContent('Expired just now')
    expect(screen.getByRole('button', { name: 'Sign out of all expired (3)' })).toBeEnabled()
  })

  it('verifies one token and says which scopes it lacks', async () => {
    const fresh = { ...short, lastVerifiedAt: NOW.toISOString() }
    fake.App.Verify.mockResolvedValue(fresh)
    const { replaced } = open()
    await userEvent.click(within(row('Reporting')).getByRole('button', { name: 'Verify now' }))
    expect(fake.App.Verify).toHaveBeenCalledWith('p-short')
    expect(fake.App.Verify).toHaveBeenCalledOnce()
    expect(replaced).toHaveBeenCalledWith(fresh)
    expect(await within(row('Reporting')).findByText('Zapier accepts this token. Granted profile zap — missing zap:runs.')).toHaveAttribute(
      'role',
      'status',
    )
  })

  it('shows a failed check in that row, in Go’s words', async () => {
    fake.App.Verify.mockRejectedValue('Partnerdesk could not reach api.zapier.com. Check your internet connection.')
    open()
    await userEvent.click(within(row('Acme production')).getByRole('button', { name: 'Verify now' }))
    expect(
      await within(row('Acme production')).findByText('Partnerdesk could not reach api.zapier.com. Check your internet connection.'),
    ).toBeInTheDocument()
  })

  it('opens a profile from its name, and from “Sign in…”', async () => {
    const { onopen } = open()
    await userEvent.click(screen.getByRole('button', { name: 'Acme staging' }))
    expect(onopen).toHaveBeenLastCalledWith('p-none')
    await userEvent.click(within(row('Acme EU')).getByRole('button', { name: 'Sign in…' }))
    expect(onopen).toHaveBeenLastCalledWith('p-old')
  })

  it('signs out of all expired tokens after asking, and toasts how many', async () => {
    const { loaded } = open()
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Sign out of all expired (2)' }))
    let dialog = screen.getByRole('alertdialog', { name: 'Sign out of 2 expired tokens?' })
    expect(dialog).toHaveTextContent('Acme EU, Late')
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(fake.App.SignOutExpired).not.toHaveBeenCalled()

    await user.click(screen.getByRole('button', { name: 'Sign out of all expired (2)' }))
    dialog = screen.getByRole('alertdialog')
    await user.click(within(dialog).getByRole('button', { name: 'Sign out' }))
    expect(fake.App.SignOutExpired).toHaveBeenCalledOnce()
    await vi.waitFor(() => expect(toasts.items.map((t) => t.message)).toEqual(['Signed out of 2 expired tokens.']))
    expect(loaded).toHaveBeenCalled()
    expect(screen.queryByRole('alertdialog')).toBeNull()
  })

  it('uses the count Go returns', async () => {
    fake.App.SignOutExpired.mockResolvedValue(1)
    open()
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: /Sign out of all expired/ }))
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Sign out' }))
    await vi.waitFor(() => expect(toasts.items.map((t) => t.message)).toEqual(['Signed out of 1 expired token.']))
  })

  it('cannot sign out of expired tokens when none has expired', () => {
    open([live, signedOut])
    expect(screen.getByRole('button', { name: 'Sign out of all expired' })).toBeDisabled()
  })

  it('shows Go’s words when signing out fails', async () => {
    fake.App.SignOutExpired.mockRejectedValue('Your keychain did not answer within 30s.')
    open()
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: /Sign out of all expired/ }))
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Sign out' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('Your keychain did not answer within 30s.')
    expect(toasts.items).toEqual([])
  })
})
