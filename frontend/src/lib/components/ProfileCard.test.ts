import { render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { tick } from 'svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { installFakeBackend, type FakeBackend } from '../../test/fakeBackend'
import { makeProfile, signedInProfile } from '../../test/fixtures'
import { expectNothingTokenLike } from '../../test/tokenlike'
import type { SignInOutcome } from '../api/types'
import { formatAbsolute, formatClock } from '../format'
import { toasts } from '../toasts.svelte'
import ProfileCard from './ProfileCard.svelte'

const NOW = new Date('2025-03-04T13:00:00Z')
// Obtained two minutes ago, so a ten-hour token has 9 h 58 min left.
const OBTAINED = new Date(NOW.getTime() - 2 * 60_000)

let fake: FakeBackend

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW)
  fake = installFakeBackend()
})

afterEach(() => {
  vi.useRealTimers()
})

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('ProfileCard states', () => {
  it('shows who is signed in, the scopes and the token times', () => {
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })

    expect(screen.getByTestId('status-line')).toHaveTextContent('Signed in as Ada Lovelace (ada@acme.example)')
    const scopes = screen.getByText('Scopes granted').nextElementSibling as HTMLElement
    expect(within(scopes).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['profile', 'zap'])
    const expires = new Date(OBTAINED.getTime() + 10 * 3_600_000)
    expect(screen.getByTestId('expires')).toHaveTextContent(formatAbsolute(expires, NOW))
    expect(screen.getByTestId('expires')).toHaveTextContent('(in 9 h 58 min)')
    expect(screen.getByTestId('last-verified')).toHaveTextContent('Zapier accepted the token')

    for (const name of ['Verify now', 'Copy token', 'Sign in again', 'Sign out']) {
      expect(screen.getByRole('button', { name })).toBeInTheDocument()
    }
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull()
    expect(screen.queryByRole('alert')).toBeNull()
    expectNothingTokenLike()
  })

  it('says "Signed in" without a name when Zapier sent no identity', () => {
    render(ProfileCard, { profile: signedInProfile(OBTAINED, { identity: null }) })
    expect(screen.getByTestId('status-line')).toHaveTextContent(/^Signed in$/)
  })

  it('offers to sign in when not signed in, without forcing', async () => {
    render(ProfileCard, { profile: makeProfile() })
    expect(screen.getByTestId('status-line')).toHaveTextContent('Not signed in')
    expect(screen.queryByRole('button', { name: 'Copy token' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull()

    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(fake.App.SignIn).toHaveBeenCalledWith('p-acme', false)
  })

  it('says Expired and offers a fresh sign-in', async () => {
    render(ProfileCard, { profile: signedInProfile(OBTAINED, { expired: true }) })
    expect(screen.getByTestId('status-line')).toHaveTextContent(/^Expired$/)
    expect(screen.getByRole('status', { name: '' })).toHaveTextContent('This token has expired.')
    expect(screen.queryByRole('button', { name: 'Copy token' })).toBeNull()

    await userEvent.click(screen.getByRole('button', { name: 'Sign in again' }))
    expect(fake.App.SignIn).toHaveBeenCalledWith('p-acme', true)
  })

  it('turns to Expired by itself when the expiry time passes', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    vi.setSystemTime(NOW)
    const profile = signedInProfile(OBTAINED, { expiresAt: new Date(NOW.getTime() + 90_000).toISOString() })
    render(ProfileCard, { profile })
    expect(screen.getByTestId('expires')).toHaveTextContent('(in 1 min)')

    vi.advanceTimersByTime(60_000)
    await tick()
    expect(screen.getByTestId('expires')).toHaveTextContent('(in less than a minute)')

    vi.advanceTimersByTime(60_000)
    await tick()
    expect(screen.getByTestId('status-line')).toHaveTextContent(/^Expired$/)
    expect(screen.getByTestId('expires')).toHaveTextContent('(just now)')
  })

  it('puts a token Zapier rejected front and centre, with a forced sign-in', async () => {
    render(ProfileCard, {
      profile: signedInProfile(OBTAINED, {
        tokenInvalid: true,
        lastVerifyOk: false,
        lastVerifyNote: 'Zapier answered 401: the token is not valid.',
      }),
    })
    expect(screen.getByTestId('status-line')).toHaveTextContent('The token no longer works')
    const banner = screen.getByRole('alert')
    expect(banner).toHaveTextContent('Zapier no longer accepts this token. Sign in again to get a new one.')
    expect(screen.getByTestId('last-verified')).toHaveTextContent('Zapier answered 401: the token is not valid.')

    await userEvent.click(within(banner).getByRole('button', { name: 'Sign in again' }))
    expect(fake.App.SignIn).toHaveBeenCalledWith('p-acme', true)
  })
})

describe('ProfileCard actions', () => {
  it('copies the token through Go and says when', async () => {
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    await userEvent.click(screen.getByRole('button', { name: 'Copy token' }))

    expect(fake.App.CopyToken).toHaveBeenCalledWith('p-acme')
    expect(await screen.findByText(`Copied at ${formatClock(NOW)}`, { exact: false })).toBeInTheDocument()
    expect(formatClock(NOW)).toMatch(/\d{1,2}[:.]\d{2}/)
    expectNothingTokenLike()
  })

  it('takes the copied note down after half a minute', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    vi.setSystemTime(NOW)
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    await user.click(screen.getByRole('button', { name: 'Copy token' }))
    await vi.waitFor(() => expect(screen.getByText(/Copied at/)).toBeInTheDocument())

    vi.advanceTimersByTime(29_000)
    await tick()
    expect(screen.getByText(/Copied at/)).toBeInTheDocument()
    vi.advanceTimersByTime(2_000)
    await tick()
    expect(screen.queryByText(/Copied at/)).toBeNull()
  })

  it('shows Go’s words when copying fails', async () => {
    fake.App.CopyToken.mockRejectedValue('The keychain is locked. Unlock it and try again.')
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    await userEvent.click(screen.getByRole('button', { name: 'Copy token' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('The keychain is locked. Unlock it and try again.')
    expect(screen.queryByText(/Copied at/)).toBeNull()
  })

  it('asks before signing out, and explains that the token stays valid', async () => {
    const onupdate = vi.fn()
    render(ProfileCard, { profile: signedInProfile(OBTAINED), onupdate })
    const user = userEvent.setup()

    await user.click(screen.getByRole('button', { name: 'Sign out' }))
    let dialog = screen.getByRole('alertdialog', { name: 'Sign out of Acme production?' })
    expect(dialog).toHaveTextContent(
      'This removes the token from this computer and clears the sign-in session. Zapier offers no way to revoke it, so the token itself stays valid until it expires',
    )
    const expires = new Date(OBTAINED.getTime() + 10 * 3_600_000)
    expect(dialog).toHaveTextContent(formatAbsolute(expires, NOW))
    expect(fake.App.SignOut).not.toHaveBeenCalled()

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(fake.App.SignOut).not.toHaveBeenCalled()

    await user.click(screen.getByRole('button', { name: 'Sign out' }))
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(fake.App.SignOut).not.toHaveBeenCalled()

    await user.click(screen.getByRole('button', { name: 'Sign out' }))
    dialog = screen.getByRole('alertdialog')
    await user.click(within(dialog).getByRole('button', { name: 'Sign out' }))
    expect(fake.App.SignOut).toHaveBeenCalledWith('p-acme')
    expect(onupdate).toHaveBeenCalledWith(expect.objectContaining({ id: 'p-acme', signedIn: false }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
  })

  it('verifies and hands the fresh view up', async () => {
    const onupdate = vi.fn()
    const fresh = signedInProfile(OBTAINED, { lastVerifiedAt: NOW.toISOString() })
    fake.App.Verify.mockResolvedValue(fresh)
    render(ProfileCard, { profile: signedInProfile(OBTAINED), onupdate })
    await userEvent.click(screen.getByRole('button', { name: 'Verify now' }))
    expect(fake.App.Verify).toHaveBeenCalledWith('p-acme')
    expect(onupdate).toHaveBeenCalledWith(fresh)
    expect(toasts.items.map((t) => t.message)).toEqual(['Zapier accepts this token.'])
  })
})

describe('ProfileCard signing in', () => {
  it('follows progress events in the panel and cancels through Go', async () => {
    const pending = deferred<SignInOutcome>()
    fake.App.SignIn.mockReturnValue(pending.promise)
    render(ProfileCard, { profile: makeProfile() })
    const user = userEvent.setup()

    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    const panel = screen.getByRole('region', { name: 'Signing in to Acme production' })
    expect(panel).toHaveTextContent('Opening the Zapier sign-in window')
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull()

    fake.emit('signin:progress', { profileId: 'p-acme', stage: 'waiting', message: 'Waiting for you in the Zapier window.' })
    await tick()
    expect(panel).toHaveTextContent('Waiting for you in the Zapier window.')
    expect(within(panel).getByText('Sign in and allow').closest('li')).toHaveAttribute('aria-current', 'step')

    // Another profile's progress is not ours.
    fake.emit('signin:progress', { profileId: 'p-other', stage: 'storing', message: 'Not this one' })
    await tick()
    expect(panel).not.toHaveTextContent('Not this one')

    fake.emit('signin:progress', { profileId: 'p-acme', stage: 'keychain-slow', message: '' })
    await tick()
    expect(panel).toHaveTextContent('Still waiting for the keychain')

    await user.click(within(panel).getByRole('button', { name: 'Cancel sign-in' }))
    expect(fake.App.CancelSignIn).toHaveBeenCalledOnce()
    expect(within(panel).getByRole('button', { name: 'Cancelling…' })).toBeDisabled()

    pending.resolve({ ok: false, cancelled: true, message: 'You cancelled the sign-in.', profile: null })
    await vi.waitFor(() => expect(screen.queryByRole('region', { name: /Signing in/ })).toBeNull())
    expect(screen.getByText('You cancelled the sign-in.')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled()
  })

  it('shows a declined sign-in as an error with Go’s message', async () => {
    fake.App.SignIn.mockResolvedValue({
      ok: false,
      cancelled: false,
      message: 'You declined access on Zapier’s page. Sign in again and choose Allow.',
      profile: null,
    })
    render(ProfileCard, { profile: makeProfile() })
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'You declined access on Zapier’s page. Sign in again and choose Allow.',
    )
  })

  it('shows a rejected sign-in call as an error with Go’s message', async () => {
    fake.App.SignIn.mockRejectedValue('The keychain did not answer within 30 seconds.')
    render(ProfileCard, { profile: makeProfile() })
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('The keychain did not answer within 30 seconds.')
  })

  it('hands up the signed-in view and toasts who signed in', async () => {
    const onupdate = vi.fn()
    const view = signedInProfile(NOW)
    fake.App.SignIn.mockResolvedValue({ ok: true, cancelled: false, message: '', profile: view })
    render(ProfileCard, { profile: makeProfile(), onupdate })
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    await vi.waitFor(() => expect(onupdate).toHaveBeenCalledWith(view))
    expect(toasts.items.map((t) => t.message)).toEqual(['Signed in as Ada Lovelace.'])
  })
})

describe('ProfileCard never shows a token', () => {
  it.each([
    ['signed in', signedInProfile(OBTAINED)],
    ['not signed in', makeProfile()],
    ['expired', signedInProfile(OBTAINED, { expired: true })],
    ['token rejected', signedInProfile(OBTAINED, { tokenInvalid: true })],
  ])('in the %s state, settings open', async (_, profile) => {
    render(ProfileCard, { profile })
    await userEvent.click(screen.getByText('App settings'))
    expectNothingTokenLike()
  })
})

describe('ProfileCard keyboard shortcuts', () => {
  it('signs in with Ctrl+Enter when not signed in', async () => {
    render(ProfileCard, { profile: makeProfile() })
    await userEvent.keyboard('{Control>}{Enter}{/Control}')
    expect(fake.App.SignIn).toHaveBeenCalledWith(makeProfile().id, false)
  })

  it('signs in again with approval forced when already signed in', async () => {
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    await userEvent.keyboard('{Control>}{Enter}{/Control}')
    expect(fake.App.SignIn).toHaveBeenCalledWith('p-acme', true)
  })

  it('copies the token with Ctrl+Shift+C only when signed in', async () => {
    const { unmount } = render(ProfileCard, { profile: makeProfile() })
    await userEvent.keyboard('{Control>}{Shift>}C{/Shift}{/Control}')
    expect(fake.App.CopyToken).not.toHaveBeenCalled()
    unmount()

    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    await userEvent.keyboard('{Control>}{Shift>}C{/Shift}{/Control}')
    expect(fake.App.CopyToken).toHaveBeenCalledWith('p-acme')
  })
})
