import { render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { tick } from 'svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FAKE_MASKED, FAKE_TOKEN, installFakeBackend, type FakeBackend } from '../../test/fakeBackend'
import { makeProfile, signedInProfile } from '../../test/fixtures'
import { expectNothingTokenLike } from '../../test/tokenlike'
import type { SignInOutcome } from '../../lib/api/types'
import { formatAbsolute } from '../../lib/format'
import { toasts } from '../../lib/ui/toasts.svelte'
import ProfileCard from './ProfileCard.svelte'
import { profiles } from './profiles.svelte'

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
  it('copies the token through Go and says when it is cleared', async () => {
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    await userEvent.click(screen.getByRole('button', { name: 'Copy token' }))

    expect(fake.App.CopyToken).toHaveBeenCalledWith('p-acme')
    expect(await screen.findByText('Copied; cleared in 45 s')).toBeInTheDocument()
    expectNothingTokenLike()
  })

  it('takes the copied note down when Go clears the clipboard, after 45 seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    vi.setSystemTime(NOW)
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    await user.click(screen.getByRole('button', { name: 'Copy token' }))
    await vi.waitFor(() => expect(screen.getByText(/Copied; cleared in 45 s/)).toBeInTheDocument())

    vi.advanceTimersByTime(44_000)
    await tick()
    expect(screen.getByText(/Copied; cleared/)).toBeInTheDocument()
    vi.advanceTimersByTime(2_000)
    await tick()
    expect(screen.queryByText(/Copied/)).toBeNull()
  })

  it('shows Go’s words when copying fails', async () => {
    fake.App.CopyToken.mockRejectedValue('The keychain is locked. Unlock it and try again.')
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    await userEvent.click(screen.getByRole('button', { name: 'Copy token' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('The keychain is locked. Unlock it and try again.')
    expect(screen.queryByText(/Copied/)).toBeNull()
  })

  it('asks before signing out, and explains that the token stays valid', async () => {
    const replaced = vi.spyOn(profiles, 'replace')
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
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
    expect(replaced).toHaveBeenCalledWith(expect.objectContaining({ id: 'p-acme', signedIn: false }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
  })

  it('verifies and puts the fresh view in the profiles store', async () => {
    const replaced = vi.spyOn(profiles, 'replace')
    const fresh = signedInProfile(OBTAINED, { lastVerifiedAt: NOW.toISOString() })
    fake.App.Verify.mockResolvedValue(fresh)
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    await userEvent.click(screen.getByRole('button', { name: 'Verify now' }))
    expect(fake.App.Verify).toHaveBeenCalledWith('p-acme')
    expect(replaced).toHaveBeenCalledWith(fresh)
    expect(toasts.items.map((t) => t.message)).toEqual(['Zapier accepts this token. Granted profile zap.'])
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
    // Go sends each stage with its words (explain.Stage); the page shows them.
    fake.emit('signin:progress', { profileId: 'p-acme', stage: 'opening', message: 'Opening the Zapier sign-in window…' })
    await tick()
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

    fake.emit('signin:progress', { profileId: 'p-acme', stage: 'keychain-slow', message: 'Still waiting for the keychain.' })
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

  it('puts the signed-in view in the profiles store and toasts who signed in', async () => {
    const replaced = vi.spyOn(profiles, 'replace')
    const view = signedInProfile(NOW)
    fake.App.SignIn.mockResolvedValue({ ok: true, cancelled: false, message: '', profile: view })
    render(ProfileCard, { profile: makeProfile() })
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    await vi.waitFor(() => expect(replaced).toHaveBeenCalledWith(view))
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

describe('ProfileCard token value', () => {
  it('shows the token masked, and whole only in Go’s own window', async () => {
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    const user = userEvent.setup()

    expect(await screen.findByText(FAKE_MASKED)).toBeInTheDocument()
    expect(fake.App.MaskedToken).toHaveBeenCalledWith('p-acme')
    expect(fake.App.ShowToken).not.toHaveBeenCalled()

    // Go answers when the operator closes its window.
    let close = () => {}
    fake.App.ShowToken.mockImplementation(() => new Promise<void>((resolve) => (close = resolve)))
    const show = screen.getByRole('button', { name: 'Show' })
    await user.click(show)
    expect(fake.App.ShowToken).toHaveBeenCalledWith('p-acme')
    expect(await screen.findByRole('status')).toHaveTextContent('The token is shown in a separate window.')
    expect(show).toBeDisabled()
    expect(screen.getByText(FAKE_MASKED)).toBeInTheDocument()

    close()
    await vi.waitFor(() => expect(show).toBeEnabled())
    expect(screen.queryByText(/separate window/)).toBeNull()
    expect(document.body).not.toHaveTextContent(FAKE_TOKEN)
    expectNothingTokenLike()
  })

  it('puts nothing on the page even if Go answered Show with a token', async () => {
    fake.App.ShowToken.mockResolvedValue(FAKE_TOKEN as unknown as void)
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    await screen.findByText(FAKE_MASKED)
    await userEvent.click(screen.getByRole('button', { name: 'Show' }))
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Show' })).toBeEnabled())
    expect(document.body).not.toHaveTextContent(FAKE_TOKEN)
    expectNothingTokenLike()
  })

  it('says why the token could not be shown', async () => {
    fake.App.ShowToken.mockRejectedValue('The keychain is locked. Unlock it and try again.')
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    await screen.findByText(FAKE_MASKED)
    await userEvent.click(screen.getByRole('button', { name: 'Show' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('The keychain is locked. Unlock it and try again.')
  })

  it('says why the token cannot be read, and offers no Show', async () => {
    fake.App.MaskedToken.mockRejectedValue('The keychain is locked. Unlock it and try again.')
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    expect(await screen.findByText('The keychain is locked. Unlock it and try again.')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Show' })).toBeDisabled()
  })

  it('is not asked for when signed out', () => {
    render(ProfileCard, { profile: makeProfile() })
    expect(fake.App.MaskedToken).not.toHaveBeenCalled()
    expect(screen.queryByRole('button', { name: 'Show' })).toBeNull()
  })

  it('names the scopes the token lacks', () => {
    render(ProfileCard, {
      profile: signedInProfile(OBTAINED, { scopes: ['profile', 'zap', 'zap:runs'], missingScopes: ['zap:runs'] }),
    })
    expect(screen.getByTestId('missing-scopes')).toHaveTextContent('Not granted: zap:runs.')
  })
})

describe('ProfileCard signing in with the browser', () => {
  it('uses Go’s loopback receiver for a redirect URI on this computer, with the same progress panel', async () => {
    const pending = deferred<SignInOutcome>()
    fake.App.SignInWithBrowser.mockReturnValue(pending.promise)
    render(ProfileCard, { profile: makeProfile({ redirectUri: 'http://127.0.0.1:8765/callback' }) })
    const user = userEvent.setup()

    await user.click(screen.getByRole('button', { name: 'Sign in with my browser' }))
    expect(fake.App.SignInWithBrowser).toHaveBeenCalledWith('p-acme', false)
    expect(fake.App.SignIn).not.toHaveBeenCalled()
    expect(fake.App.StartPaste).not.toHaveBeenCalled()
    const panel = screen.getByRole('region', { name: 'Signing in to Acme production in your browser' })
    fake.emit('signin:progress', { profileId: 'p-acme', stage: 'opening', message: 'Opening Zapier’s page in your web browser…' })
    await tick()
    expect(panel).toHaveTextContent('Opening Zapier’s page in your web browser')

    // Go words each stage in the browser method's terms.
    fake.emit('signin:progress', { profileId: 'p-acme', stage: 'waiting', message: 'Sign in and allow access in your web browser.' })
    await tick()
    expect(panel).toHaveTextContent('Sign in and allow access in your web browser')
    fake.emit('signin:progress', { profileId: 'p-acme', stage: 'storing', message: 'Saving the token in your keychain…' })
    await tick()
    expect(panel).toHaveTextContent('Saving the token in your keychain…')

    await user.click(within(panel).getByRole('button', { name: 'Cancel sign-in' }))
    expect(fake.App.CancelSignIn).toHaveBeenCalledOnce()
    pending.resolve({ ok: false, cancelled: true, message: 'Sign-in was cancelled before it finished. Nothing was saved.', profile: null })
    expect(await screen.findByText('Sign-in was cancelled before it finished. Nothing was saved.')).toBeInTheDocument()
  })

  it('forces approval from the browser when signing in again', async () => {
    render(ProfileCard, { profile: signedInProfile(OBTAINED, { redirectUri: 'http://localhost:47113/cb' }) })
    await userEvent.click(screen.getByRole('button', { name: 'Sign in again with my browser' }))
    expect(fake.App.SignInWithBrowser).toHaveBeenCalledWith('p-acme', true)
  })

  it('opens "Paste the address" for an https redirect URI', async () => {
    render(ProfileCard, { profile: makeProfile({ redirectUri: 'https://acme.example/oauth/zapier' }) })
    await userEvent.click(screen.getByRole('button', { name: 'Sign in with my browser' }))
    const dialog = await screen.findByRole('dialog', { name: 'Sign in to Acme production with your browser' })
    expect(fake.App.StartPaste).toHaveBeenCalledWith('p-acme', false)
    expect(fake.App.SignInWithBrowser).not.toHaveBeenCalled()
    expect(fake.App.SignIn).not.toHaveBeenCalled()
    expect(await within(dialog).findByLabelText('The address your browser ended on')).toBeInTheDocument()
  })

  it('puts the profile in the profiles store and toasts once the pasted address signed in', async () => {
    const replaced = vi.spyOn(profiles, 'replace')
    const view = signedInProfile(NOW)
    fake.App.CompletePaste.mockResolvedValue({ ok: true, cancelled: false, message: 'Signed in.', profile: view, retry: false })
    render(ProfileCard, { profile: makeProfile() })
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Sign in with my browser' }))
    await user.type(await screen.findByLabelText('The address your browser ended on'), 'https://acme.example/oauth/zapier#state=s1')
    await user.click(screen.getByRole('button', { name: 'Continue' }))
    await vi.waitFor(() => expect(replaced).toHaveBeenCalledWith(view))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(toasts.items.map((t) => t.message)).toEqual(['Signed in as Ada Lovelace.'])
  })
})

describe('ProfileCard managing the profile', () => {
  it('asks before removing, naming everything that goes, then removes', async () => {
    const removed = vi.spyOn(profiles, 'removed')
    render(ProfileCard, { profile: signedInProfile(OBTAINED) })
    const user = userEvent.setup()
    await user.click(screen.getByText('App settings'))

    await user.click(screen.getByRole('button', { name: 'Remove profile…' }))
    let dialog = screen.getByRole('alertdialog', { name: 'Remove Acme production?' })
    for (const what of ['the profile\'s settings', 'its token, from your keychain', 'its sign-in session', 'its cached results']) {
      expect(dialog).toHaveTextContent(what)
    }
    expect(dialog).toHaveTextContent('Zapier offers no way to revoke the token')
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus()

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(fake.App.RemoveProfile).not.toHaveBeenCalled()

    await user.click(screen.getByRole('button', { name: 'Remove profile…' }))
    dialog = screen.getByRole('alertdialog')
    await user.click(within(dialog).getByRole('button', { name: 'Remove profile' }))
    expect(fake.App.RemoveProfile).toHaveBeenCalledWith('p-acme')
    await vi.waitFor(() => expect(removed).toHaveBeenCalledWith(expect.objectContaining({ id: 'p-acme' })))
    expect(screen.queryByRole('alertdialog')).toBeNull()
  })

  it('does not speak of a token when there is none', async () => {
    render(ProfileCard, { profile: makeProfile() })
    await userEvent.click(screen.getByText('App settings'))
    await userEvent.click(screen.getByRole('button', { name: 'Remove profile…' }))
    expect(screen.getByRole('alertdialog')).not.toHaveTextContent('token')
  })

  it('shows Go’s words when removing fails', async () => {
    fake.App.RemoveProfile.mockRejectedValue('The keychain is locked. Unlock it and try again.')
    const removed = vi.spyOn(profiles, 'removed')
    render(ProfileCard, { profile: makeProfile() })
    const user = userEvent.setup()
    await user.click(screen.getByText('App settings'))
    await user.click(screen.getByRole('button', { name: 'Remove profile…' }))
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Remove profile' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('The keychain is locked. Unlock it and try again.')
    expect(removed).not.toHaveBeenCalled()
  })

  it('offers Edit, and exports to the file Go asked for', async () => {
    const onedit = vi.fn()
    render(ProfileCard, { profile: makeProfile(), onedit })
    const user = userEvent.setup()
    await user.click(screen.getByText('App settings'))
    await user.click(screen.getByRole('button', { name: 'Edit…' }))
    expect(onedit).toHaveBeenCalledOnce()

    await user.click(screen.getByRole('button', { name: 'Export…' }))
    expect(fake.App.ExportProfile).toHaveBeenCalledWith('p-acme')
    await vi.waitFor(() =>
      expect(toasts.items.map((t) => t.message)).toEqual([
        'Saved Acme production to /home/operator/Acme production.pdprofile. The file holds no token.',
      ]),
    )
  })

  it('says nothing when the operator cancels the save dialog', async () => {
    fake.App.ExportProfile.mockResolvedValue('')
    render(ProfileCard, { profile: makeProfile() })
    await userEvent.click(screen.getByText('App settings'))
    await userEvent.click(screen.getByRole('button', { name: 'Export…' }))
    await tick()
    expect(toasts.items).toEqual([])
    expect(screen.queryByRole('alert')).toBeNull()
  })
})

describe('ProfileCard hosts outside Zapier', () => {
  it('names each host outside Zapier, outside the collapsed settings', () => {
    render(ProfileCard, {
      profile: makeProfile({
        untrustedHosts: [
          { host: 'login.evil.example', gets: ['the password page'] },
          { host: '127.0.0.1:47913', gets: ['the token'] },
        ],
      }),
    })
    const notices = screen.getAllByText(/^This profile sends your sign-in to/).map((el) => el.textContent?.replace(/\s+/g, ' ').trim())
    expect(notices).toEqual([
      'This profile sends your sign-in to login.evil.example (the password page)',
      'This profile sends your sign-in to 127.0.0.1:47913 (the token)',
    ])
    for (const el of screen.getAllByText(/^This profile sends your sign-in to/)) {
      expect(el.closest('details')).toBeNull()
      expect(el).toBeVisible()
    }
  })

  it('says nothing of hosts for a profile on Zapier’s own', () => {
    render(ProfileCard, { profile: makeProfile() })
    expect(screen.queryByText(/sends your sign-in to/)).toBeNull()
  })
})

describe('ProfileCard signed out by Partnerdesk', () => {
  const REASON =
    "Signed out because the profile's API base URL changed: a token is only sent where it was issued. Sign in again to get a new one."

  it('says why it was signed out, beside Sign in', () => {
    render(ProfileCard, { profile: makeProfile({ signedOutReason: REASON }) })
    const banner = screen.getByRole('status', { name: '' })
    expect(banner).toHaveTextContent('Signed out')
    expect(banner).toHaveTextContent(REASON)
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument()
  })

  it('says nothing of it once signed in again', () => {
    render(ProfileCard, { profile: signedInProfile(OBTAINED, { signedOutReason: '' }) })
    expect(screen.queryByText(/Signed out because/)).toBeNull()
  })
})
