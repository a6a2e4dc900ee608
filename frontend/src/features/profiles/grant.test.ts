// The code grant in the page: the form's question, the client secret sent to Go once
// and never kept or shown again, the card's "Renews automatically", the secret a card
// asks for, and "Sign in again" only when Zapier refused the refresh token.
import { render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CODE_GRANT, installFakeBackend, type FakeBackend } from '../../test/fakeBackend'
import { makeProfile, signedInProfile } from '../../test/fixtures'
import { seedProfiles } from '../../test/seedProfiles'
import ProfileCard from './ProfileCard.svelte'
import ProfileForm from './ProfileForm.svelte'
import Welcome from './Welcome.svelte'
import TokenOverview from '../tokens/TokenOverview.svelte'

const SECRET = 'sbs_typed_secret_5f4e3d2c1b0a'
const NOW = new Date('2025-03-04T13:00:00Z')

let fake: FakeBackend
beforeEach(() => {
  fake = installFakeBackend()
})
afterEach(() => {
  vi.useRealTimers()
})

async function fillRequired(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Profile name'), 'Acme 2024')
  await user.type(screen.getByLabelText('Client ID'), 'AbCdEf123')
  await user.type(screen.getByLabelText('Registered redirect URI'), 'https://acme.example/oauth/zapier')
}

describe('the profile form and the code grant', () => {
  it('asks in plain words whether the app has a client secret, the older kind ticked', () => {
    render(ProfileForm, { oncreated: vi.fn() })
    const group = screen.getByRole('group', { name: 'Does your app have a client secret?' })
    expect(group).toHaveTextContent('Apps approved since April 2024 use a client secret')
    expect(within(group).getByRole('radio', { name: /No, only a client ID/ })).toBeChecked()
    expect(screen.queryByLabelText('Client secret')).toBeNull()
    expect(screen.queryByLabelText('Token URL')).toBeNull()
  })

  it('sends the secret to Go once, after the profile, in a password field it then empties', async () => {
    const oncreated = vi.fn()
    render(ProfileForm, { oncreated })
    const user = userEvent.setup()
    await fillRequired(user)
    await user.click(screen.getByRole('radio', { name: /Yes, my app has a client secret/ }))
    const field = screen.getByLabelText('Client secret')
    expect(field).toHaveAttribute('type', 'password')
    expect(field).toHaveAttribute('autocomplete', 'off')
    await user.type(field, SECRET)
    await user.click(screen.getByRole('button', { name: 'Advanced' }))
    await user.type(screen.getByLabelText('Token URL'), 'https://auth.acme.example/token/')
    await user.click(screen.getByRole('button', { name: 'Add profile' }))

    expect(fake.App.AddProfile).toHaveBeenCalledWith(
      expect.objectContaining({ grant: 'code', tokenUrl: 'https://auth.acme.example/token/' }),
    )
    // The profile's settings never carry the secret; it goes alone, once.
    expect(JSON.stringify(fake.App.AddProfile.mock.calls)).not.toContain(SECRET)
    expect(fake.App.SetClientSecret).toHaveBeenCalledTimes(1)
    expect(fake.App.SetClientSecret).toHaveBeenCalledWith('p-new', SECRET)
    expect(oncreated).toHaveBeenCalledWith(expect.objectContaining({ clientSecretMissing: false }))
    expect(field).toHaveValue('')
    expect(document.body.innerHTML).not.toContain(SECRET)
  })

  it('wants a secret for an app that has one, and focuses its field', async () => {
    render(ProfileForm, { oncreated: vi.fn() })
    const user = userEvent.setup()
    await fillRequired(user)
    await user.click(screen.getByRole('radio', { name: /Yes, my app has a client secret/ }))
    await user.click(screen.getByRole('button', { name: 'Add profile' }))
    expect(screen.getByLabelText('Client secret')).toHaveFocus()
    expect(screen.getByLabelText('Client secret')).toHaveAccessibleDescription(/Enter the client secret Zapier gave you/)
    expect(fake.App.AddProfile).not.toHaveBeenCalled()
  })

  it('shows a stored secret only as stored in the keychain, with Replace', async () => {
    const onsaved = vi.fn()
    render(ProfileForm, { profile: makeProfile({ ...CODE_GRANT }), onsaved })
    expect(screen.getByTestId('client-secret-stored')).toHaveTextContent('Stored in the keychain')
    expect(document.querySelector('input[type="password"]')).toBeNull()

    const user = userEvent.setup()
    // Saving without replacing sends no secret.
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    expect(fake.App.SetClientSecret).not.toHaveBeenCalled()

    await user.click(screen.getByRole('button', { name: 'Replace the client secret' }))
    const field = screen.getByLabelText('Client secret')
    expect(field).toHaveFocus()
    expect(field).toHaveValue('')
    await user.type(field, SECRET)
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    expect(fake.App.SetClientSecret).toHaveBeenCalledWith('p-acme', SECRET)
  })
})

describe('a code-grant profile on its card and in the overview', () => {
  it('says it renews automatically, and when', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
    const obtained = new Date(NOW.getTime() - 2 * 60_000)
    const expires = new Date(obtained.getTime() + 10 * 3_600_000)
    const renewsAt = new Date(expires.getTime() - 5 * 60_000)
    render(ProfileCard, {
      profile: signedInProfile(obtained, { ...CODE_GRANT, renews: true, renewsAt: renewsAt.toISOString() }),
    })
    const renews = screen.getByTestId('renews')
    expect(renews).toHaveTextContent(/^Renews automatically today at/)
    expect(renews).toHaveTextContent('in 9 h 53 min')
    expect(screen.queryByRole('alert')).toBeNull()
    expect(screen.queryByTestId('client-secret-notice')).toBeNull()
    expect(screen.getByTestId('client-secret')).toHaveTextContent('Stored in the keychain')
  })

  it('asks for a missing client secret, sends it once and forgets it', async () => {
    render(ProfileCard, { profile: makeProfile({ ...CODE_GRANT, clientSecretMissing: true }) })
    const notice = screen.getByTestId('client-secret-notice')
    const field = within(notice).getByLabelText('Client secret')
    expect(field).toHaveAttribute('type', 'password')
    const user = userEvent.setup()
    await user.type(field, SECRET)
    await user.click(within(notice).getByRole('button', { name: 'Save client secret' }))
    expect(fake.App.SetClientSecret).toHaveBeenCalledWith('p-acme', SECRET)
    expect(document.body.innerHTML).not.toContain(SECRET)
  })

  it('offers Sign in again when Zapier refused the refresh token', () => {
    render(ProfileCard, {
      profile: makeProfile({ ...CODE_GRANT, signedOutReason: 'Zapier no longer accepts this profile’s saved sign-in. Sign in again to go on.' }),
    })
    expect(screen.getByRole('status')).toHaveTextContent('Zapier no longer accepts')
    expect(screen.getByRole('button', { name: 'Sign in again' })).toBeInTheDocument()
  })

  it('shows each profile’s grant in the overview of all tokens', () => {
    const obtained = new Date(Date.now() - 60_000)
    seedProfiles([
      signedInProfile(obtained, { id: 'p-old', name: 'Old app' }),
      signedInProfile(obtained, { id: 'p-new', name: 'New app', ...CODE_GRANT, renews: true }),
    ])
    render(TokenOverview, { onopen: vi.fn() })
    const rows = screen.getAllByTestId('token-row')
    expect(within(rows[0]).getByTestId('grant')).toHaveTextContent('Without a client secret')
    expect(within(rows[1]).getByTestId('grant')).toHaveTextContent('With a client secret')
    expect(rows[1]).toHaveTextContent('Renews automatically')
  })

  it('says Sign out removes the refresh token too and keeps the client secret', async () => {
    const user = userEvent.setup()
    render(ProfileCard, { profile: signedInProfile(new Date(), { ...CODE_GRANT, renews: true }) })
    await user.click(screen.getByRole('button', { name: 'Sign out' }))
    const dialog = screen.getByRole('alertdialog')
    expect(dialog).toHaveTextContent(
      'This removes the token and its refresh token from this computer and clears the sign-in session; the client secret stays in your keychain.',
    )
  })
})

describe('the Sandbox with either grant', () => {
  it('starts a code-grant Sandbox profile', async () => {
    const oncreated = vi.fn()
    render(Welcome, { oncreated })
    await userEvent.click(screen.getByRole('button', { name: 'Start the Sandbox with a client secret' }))
    expect(fake.App.AddSandboxProfile).toHaveBeenCalledWith('code')
    expect(oncreated).toHaveBeenCalledWith(expect.objectContaining({ grant: 'code', sandbox: true }))
  })

  it('keeps “Try the Sandbox” for the implicit grant', async () => {
    render(Welcome, { oncreated: vi.fn() })
    await userEvent.click(screen.getByRole('button', { name: /^Try the Sandbox/ }))
    expect(fake.App.AddSandboxProfile).toHaveBeenCalledWith('implicit')
  })
})
