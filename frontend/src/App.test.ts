import { render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import App from './App.svelte'
import { installFakeBackend } from './test/fakeBackend'
import { makeProfile, signedInProfile } from './test/fixtures'
import { expectNothingTokenLike } from './test/tokenlike'

const acme = signedInProfile(new Date(), { id: 'p-acme', name: 'Acme production' })
const sandbox = makeProfile({ id: 'p-sandbox', name: 'Sandbox', sandbox: true })

describe('App', () => {
  it('welcomes a first-time operator, and opens the new Sandbox profile', async () => {
    const fake = installFakeBackend()
    render(App)
    await userEvent.click(await screen.findByRole('button', { name: /Try the Sandbox/ }))

    expect(await screen.findByRole('heading', { level: 1, name: 'Sandbox' })).toBeInTheDocument()
    expect(fake.App.SelectProfile).toHaveBeenCalledWith('p-sandbox')
    expect(screen.getByRole('navigation', { name: 'Profiles' })).toBeInTheDocument()
  })

  it('opens the active profile and lists them all with their state', async () => {
    installFakeBackend({ profiles: [sandbox, acme], activeProfileId: 'p-acme', version: '1.2.3' })
    render(App)
    expect(await screen.findByRole('heading', { level: 1, name: 'Acme production' })).toBeInTheDocument()
    const nav = screen.getByRole('navigation', { name: 'Profiles' })
    expect(within(nav).getByRole('button', { name: /Acme production\s+Signed in/ })).toHaveAttribute(
      'aria-current',
      'page',
    )
    expect(within(nav).getByRole('button', { name: /Sandbox\s+Not signed in · Sandbox/ })).toBeInTheDocument()
    expect(screen.getByText('Partnerdesk 1.2.3')).toBeInTheDocument()
    expectNothingTokenLike()
  })

  it('switches profile and tells Go which one is open', async () => {
    const fake = installFakeBackend({ profiles: [sandbox, acme], activeProfileId: 'p-acme' })
    render(App)
    await userEvent.click(await screen.findByRole('button', { name: /Sandbox\s+Not signed in/ }))
    expect(screen.getByRole('heading', { level: 1, name: 'Sandbox' })).toBeInTheDocument()
    expect(fake.App.SelectProfile).toHaveBeenCalledWith('p-sandbox')
  })

  it('shows Go’s notice until dismissed', async () => {
    installFakeBackend({
      profiles: [acme],
      activeProfileId: 'p-acme',
      notice: 'Your profiles file could not be read and was set aside as profiles.json.broken.',
    })
    render(App)
    const notice = await screen.findByText(/could not be read and was set aside/)
    await userEvent.click(within(notice.closest('[role="status"]') as HTMLElement).getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByText(/could not be read/)).toBeNull()
  })

  it('refetches when Go says the state changed', async () => {
    const fake = installFakeBackend({ profiles: [acme], activeProfileId: 'p-acme' })
    render(App)
    await screen.findByRole('heading', { level: 1, name: 'Acme production' })
    fake.App.GetState.mockResolvedValue({
      profiles: [{ ...acme, tokenInvalid: true }],
      activeProfileId: 'p-acme',
      notice: '',
      version: '1',
    })
    fake.emit('state:changed')
    expect(await screen.findByText('Zapier no longer accepts this token.')).toBeInTheDocument()
  })

  it('says so when Go cannot be reached, and retries', async () => {
    const fake = installFakeBackend()
    fake.App.GetState.mockRejectedValueOnce('Partnerdesk could not read its settings folder.')
    render(App)
    expect(await screen.findByRole('alert')).toHaveTextContent('Partnerdesk could not read its settings folder.')
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByRole('button', { name: /Try the Sandbox/ })).toBeInTheDocument()
  })

  it('adds a profile from the sidebar', async () => {
    const fake = installFakeBackend({ profiles: [acme], activeProfileId: 'p-acme' })
    render(App)
    const user = userEvent.setup()
    await user.click(await screen.findByRole('button', { name: 'Add profile' }))
    await user.type(screen.getByLabelText('Profile name'), 'Staging')
    await user.type(screen.getByLabelText('Client ID'), 'id')
    await user.type(screen.getByLabelText('Registered redirect URI'), 'https://acme.example/cb')
    await user.click(within(screen.getByRole('main')).getByRole('button', { name: 'Add profile' }))
    expect(fake.App.AddProfile).toHaveBeenCalled()
    expect(await screen.findByRole('heading', { level: 1, name: 'Staging' })).toBeInTheDocument()
  })
})
