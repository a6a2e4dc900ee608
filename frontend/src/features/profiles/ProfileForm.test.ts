import { render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { installFakeBackend, type FakeBackend } from '../../test/fakeBackend'
import { makeProfile, signedInProfile } from '../../test/fixtures'
import ProfileForm from './ProfileForm.svelte'

let fake: FakeBackend
beforeEach(() => {
  fake = installFakeBackend()
})

describe('ProfileForm', () => {
  it('names every empty required field, focuses the first, and does not call Go', async () => {
    render(ProfileForm, { oncreated: vi.fn() })
    await userEvent.click(screen.getByRole('button', { name: 'Add profile' }))

    expect(screen.getByText('Enter a name for this profile.')).toBeInTheDocument()
    expect(screen.getByText('Enter the client ID Zapier gave you.')).toBeInTheDocument()
    expect(screen.getByText('Enter the redirect URI you registered with Zapier.')).toBeInTheDocument()
    const name = screen.getByLabelText('Profile name')
    expect(name).toHaveAttribute('aria-invalid', 'true')
    expect(name).toHaveAccessibleDescription(/Enter a name for this profile\./)
    expect(name).toHaveFocus()
    expect(fake.App.AddProfile).not.toHaveBeenCalled()
  })

  it('treats blanks as empty and clears an error once the field is filled', async () => {
    render(ProfileForm, { oncreated: vi.fn() })
    const user = userEvent.setup()
    await user.type(screen.getByLabelText('Profile name'), '   ')
    await user.click(screen.getByRole('button', { name: 'Add profile' }))
    expect(screen.getByText('Enter a name for this profile.')).toBeInTheDocument()

    await user.type(screen.getByLabelText('Profile name'), 'Acme')
    expect(screen.queryByText('Enter a name for this profile.')).toBeNull()
    expect(screen.getByText('Enter the client ID Zapier gave you.')).toBeInTheDocument()
  })

  it('sends the trimmed fields, the ticked and typed scopes, and empty advanced fields', async () => {
    const oncreated = vi.fn()
    render(ProfileForm, { oncreated })
    const user = userEvent.setup()
    await user.type(screen.getByLabelText('Profile name'), ' Acme production ')
    await user.type(screen.getByLabelText('Client ID'), 'AbCdEf123')
    await user.type(screen.getByLabelText('Registered redirect URI'), 'https://acme.example/oauth/zapier')
    await user.click(screen.getByRole('checkbox', { name: /zap:runs/ }))
    await user.click(screen.getByRole('checkbox', { name: /^zap See the Zaps/ }))
    await user.type(screen.getByLabelText('Other scopes'), 'custom:read, zap:runs')
    await user.click(screen.getByRole('button', { name: 'Add profile' }))

    expect(fake.App.AddProfile).toHaveBeenCalledWith({
      name: 'Acme production',
      clientId: 'AbCdEf123',
      redirectUri: 'https://acme.example/oauth/zapier',
      scopes: 'profile zap:runs custom:read',
      authorizeUrl: '',
      apiBaseUrl: '',
      grant: 'implicit',
      tokenUrl: '',
    })
    expect(oncreated).toHaveBeenCalledWith(expect.objectContaining({ id: 'p-new', name: 'Acme production' }))
  })

  it('sends the advanced addresses when given', async () => {
    render(ProfileForm, { oncreated: vi.fn() })
    const user = userEvent.setup()
    await user.type(screen.getByLabelText('Profile name'), 'Staging')
    await user.type(screen.getByLabelText('Client ID'), 'id')
    await user.type(screen.getByLabelText('Registered redirect URI'), 'http://127.0.0.1:8765/cb')
    await user.click(screen.getByText('Advanced'))
    await user.type(screen.getByLabelText('Authorize URL'), 'http://127.0.0.1:9000/oauth/authorize/')
    await user.type(screen.getByLabelText('API base URL'), 'http://127.0.0.1:9000')
    await user.click(screen.getByRole('button', { name: 'Add profile' }))
    expect(fake.App.AddProfile).toHaveBeenCalledWith(
      expect.objectContaining({
        authorizeUrl: 'http://127.0.0.1:9000/oauth/authorize/',
        apiBaseUrl: 'http://127.0.0.1:9000',
      }),
    )
  })

  it('shows Go’s rejection as it is and keeps what was typed', async () => {
    fake.App.AddProfile.mockRejectedValue('A profile called “Acme” already exists. Choose another name.')
    const oncreated = vi.fn()
    render(ProfileForm, { oncreated })
    const user = userEvent.setup()
    await user.type(screen.getByLabelText('Profile name'), 'Acme')
    await user.type(screen.getByLabelText('Client ID'), 'id')
    await user.type(screen.getByLabelText('Registered redirect URI'), 'https://acme.example/cb')
    await user.click(screen.getByRole('button', { name: 'Add profile' }))

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'A profile called “Acme” already exists. Choose another name.',
    )
    expect(oncreated).not.toHaveBeenCalled()
    expect(screen.getByLabelText('Profile name')).toHaveValue('Acme')
    expect(screen.getByRole('button', { name: 'Add profile' })).toBeEnabled()
  })

  it('explains where each value comes from', () => {
    render(ProfileForm, { oncreated: vi.fn() })
    expect(screen.getByLabelText('Client ID')).toHaveAccessibleDescription(
      'From Zapier when your app was approved for the Partner API — in the developer platform.',
    )
    expect(screen.getByLabelText('Registered redirect URI')).toHaveAccessibleDescription(
      'The exact address you gave Zapier in the sign-up form; it must match letter for letter.',
    )
    expect(screen.getByRole('checkbox', { name: /zap:runs/ })).toBeInTheDocument()
    expect(screen.getByRole('checkbox', { name: /authentication/ })).toBeInTheDocument()
  })

  it('opens the developer platform in the system browser', async () => {
    render(ProfileForm, { oncreated: vi.fn() })
    await userEvent.click(screen.getByRole('link', { name: /developer platform/ }))
    expect(fake.App.OpenURL).toHaveBeenCalledWith('https://developer.zapier.com/')
  })
})

describe('ProfileForm editing a profile', () => {
  const acme = makeProfile({
    scopes: ['profile', 'zap:runs', 'custom:read'],
    authorizeUrl: 'https://zapier.com/oauth/authorize/',
    apiBaseUrl: 'https://api.zapier.com',
  })

  it('starts from the profile: its fields, its scopes ticked or typed, Zapier’s own addresses empty', async () => {
    render(ProfileForm, { profile: acme, onsaved: vi.fn() })
    expect(screen.getByRole('heading', { name: 'Edit Acme production' })).toBeInTheDocument()
    expect(screen.getByLabelText('Profile name')).toHaveValue('Acme production')
    expect(screen.getByLabelText('Client ID')).toHaveValue('AbCdEf123')
    expect(screen.getByLabelText('Registered redirect URI')).toHaveValue('https://acme.example/oauth/zapier')
    expect(screen.getByRole('checkbox', { name: /^profile/ })).toBeChecked()
    expect(screen.getByRole('checkbox', { name: /^zap:runs/ })).toBeChecked()
    expect(screen.getByRole('checkbox', { name: /^zap See the Zaps/ })).not.toBeChecked()
    expect(screen.getByLabelText('Other scopes')).toHaveValue('custom:read')
    expect(screen.getByLabelText('Authorize URL')).toHaveValue('')
    expect(screen.getByLabelText('API base URL')).toHaveValue('')
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Add profile' })).toBeNull()
  })

  it('saves a rename through UpdateProfile, with the other fields as they were', async () => {
    const onsaved = vi.fn()
    render(ProfileForm, { profile: acme, onsaved })
    const user = userEvent.setup()
    const name = screen.getByLabelText('Profile name')
    await user.clear(name)
    await user.type(name, 'Acme live')
    await user.click(screen.getByRole('button', { name: 'Save changes' }))

    expect(fake.App.UpdateProfile).toHaveBeenCalledWith('p-acme', {
      name: 'Acme live',
      clientId: 'AbCdEf123',
      redirectUri: 'https://acme.example/oauth/zapier',
      scopes: 'profile zap:runs custom:read',
      authorizeUrl: '',
      apiBaseUrl: '',
      grant: 'implicit',
      tokenUrl: '',
    })
    expect(fake.App.AddProfile).not.toHaveBeenCalled()
    expect(onsaved).toHaveBeenCalledWith(expect.objectContaining({ id: 'p-acme', name: 'Acme live' }))
  })

  it('keeps addresses that are not Zapier’s own, with Advanced open', () => {
    render(ProfileForm, {
      profile: makeProfile({ authorizeUrl: 'http://127.0.0.1:9000/oauth/authorize/', apiBaseUrl: 'http://127.0.0.1:9000' }),
      onsaved: vi.fn(),
    })
    expect(screen.getByLabelText('Authorize URL')).toHaveValue('http://127.0.0.1:9000/oauth/authorize/')
    expect(screen.getByLabelText('API base URL')).toHaveValue('http://127.0.0.1:9000')
    expect(screen.getByText('Advanced').closest('details')).toHaveAttribute('open')
  })

  it('checks required fields before asking Go', async () => {
    render(ProfileForm, { profile: acme, onsaved: vi.fn() })
    const user = userEvent.setup()
    await user.clear(screen.getByLabelText('Client ID'))
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    expect(screen.getByText('Enter the client ID Zapier gave you.')).toBeInTheDocument()
    expect(screen.getByLabelText('Client ID')).toHaveFocus()
    expect(fake.App.UpdateProfile).not.toHaveBeenCalled()
  })

  it('shows Go’s rejection inline and keeps the form', async () => {
    fake.App.UpdateProfile.mockRejectedValue('Another profile is already named “Acme staging”. Choose another name.')
    const onsaved = vi.fn()
    render(ProfileForm, { profile: acme, onsaved })
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('The changes were not saved')
    expect(alert).toHaveTextContent('Another profile is already named “Acme staging”. Choose another name.')
    expect(onsaved).not.toHaveBeenCalled()
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeEnabled()
  })

  it('says the current token stays until the next sign-in', () => {
    render(ProfileForm, { profile: signedInProfile(new Date()), onsaved: vi.fn() })
    expect(screen.getByText(/The current token stays until you sign in again/)).toBeInTheDocument()
  })
})
