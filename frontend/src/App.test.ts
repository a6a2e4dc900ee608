import { render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
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
      profiles: [{ ...acme, tokenInvalid: true, status: 'invalid', statusLabel: 'Token rejected' }],
      activeProfileId: 'p-acme',
      notice: '',
      version: '1',
      keychain: { problem: '', sessionOnly: false },
      pendingImports: [],
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

describe('App: profiles and tokens', () => {
  const staging = makeProfile({ id: 'p-staging', name: 'Acme staging' })

  it('opens the token overview from the sidebar, and a profile from it', async () => {
    installFakeBackend({ profiles: [acme, staging], activeProfileId: 'p-acme' })
    render(App)
    const user = userEvent.setup()
    await user.click(await screen.findByRole('button', { name: /^All tokens/ }))
    expect(screen.getByRole('heading', { level: 1, name: 'All tokens' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: /^All tokens/ })).toHaveAttribute('aria-current', 'page')
    const nav = screen.getByRole('navigation', { name: 'Profiles' })
    expect(within(nav).getByRole('button', { name: /Acme production/ })).not.toHaveAttribute('aria-current')
    expect(screen.getAllByTestId('token-row')).toHaveLength(2)

    await user.click(screen.getByRole('button', { name: 'Acme staging' }))
    expect(screen.getByRole('heading', { level: 1, name: 'Acme staging' })).toBeInTheDocument()
    expect(screen.getByRole('tab', { name: 'Account' })).toHaveAttribute('aria-selected', 'true')
  })

  it('edits a profile from its card and shows the new name', async () => {
    const fake = installFakeBackend({ profiles: [acme, staging], activeProfileId: 'p-acme' })
    render(App)
    const user = userEvent.setup()
    await screen.findByRole('heading', { level: 1, name: 'Acme production' })
    await user.click(screen.getByText('App settings'))
    await user.click(screen.getByRole('button', { name: 'Edit…' }))
    const name = screen.getByLabelText('Profile name')
    expect(name).toHaveValue('Acme production')
    await user.clear(name)
    await user.type(name, 'Acme live')
    await user.click(screen.getByRole('button', { name: 'Save changes' }))

    expect(fake.App.UpdateProfile).toHaveBeenCalledWith('p-acme', expect.objectContaining({ name: 'Acme live' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'Acme live' })).toBeInTheDocument()
    expect(within(screen.getByRole('navigation', { name: 'Profiles' })).getByRole('button', { name: /Acme live/ })).toBeInTheDocument()
  })

  it('leaves the edit form unchanged on Cancel', async () => {
    const fake = installFakeBackend({ profiles: [acme], activeProfileId: 'p-acme' })
    render(App)
    const user = userEvent.setup()
    await screen.findByRole('heading', { level: 1, name: 'Acme production' })
    await user.click(screen.getByText('App settings'))
    await user.click(screen.getByRole('button', { name: 'Edit…' }))
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.getByRole('heading', { level: 1, name: 'Acme production' })).toBeInTheDocument()
    expect(fake.App.UpdateProfile).not.toHaveBeenCalled()
  })

  it('removes a profile and opens the next one', async () => {
    const fake = installFakeBackend({ profiles: [acme, staging], activeProfileId: 'p-acme' })
    render(App)
    const user = userEvent.setup()
    await screen.findByRole('heading', { level: 1, name: 'Acme production' })
    await user.click(screen.getByText('App settings'))
    await user.click(screen.getByRole('button', { name: 'Remove profile…' }))
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Remove profile' }))
    expect(fake.App.RemoveProfile).toHaveBeenCalledWith('p-acme')
    expect(await screen.findByRole('heading', { level: 1, name: 'Acme staging' })).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /Acme production/ })).toBeNull()
  })

  it('removes all data after the typed confirmation, back to the welcome screen', async () => {
    const fake = installFakeBackend({ profiles: [acme, staging], activeProfileId: 'p-acme' })
    render(App)
    const user = userEvent.setup()
    await user.click(await screen.findByRole('button', { name: 'Remove all my data…' }))
    const dialog = screen.getByRole('alertdialog', { name: 'Remove all your Partnerdesk data?' })
    expect(dialog).toHaveTextContent('all 2 profiles and their settings')
    await user.click(within(dialog).getByRole('button', { name: 'Remove everything' }))
    expect(fake.App.RemoveAllData).not.toHaveBeenCalled()
    await user.type(screen.getByLabelText('Type REMOVE to confirm'), 'REMOVE')
    await user.click(within(dialog).getByRole('button', { name: 'Remove everything' }))
    expect(fake.App.RemoveAllData).toHaveBeenCalledOnce()
    expect(await screen.findByRole('button', { name: /Try the Sandbox/ })).toBeInTheDocument()
  })

  it('imports a profile file from the sidebar and opens it', async () => {
    const fake = installFakeBackend({ profiles: [acme], activeProfileId: 'p-acme' })
    render(App)
    await userEvent.click(await screen.findByRole('button', { name: 'Import profile file…' }))
    expect(fake.App.ImportProfileFile).toHaveBeenCalledOnce()
    expect(await screen.findByRole('heading', { level: 1, name: 'Imported' })).toBeInTheDocument()
  })

  it('does nothing when the open dialog is cancelled, and shows Go’s words when the file is bad', async () => {
    const fake = installFakeBackend({ profiles: [acme], activeProfileId: 'p-acme' })
    fake.App.ImportProfileFile.mockResolvedValueOnce({ profile: null, pending: null })
    render(App)
    const user = userEvent.setup()
    await user.click(await screen.findByRole('button', { name: 'Import profile file…' }))
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Import profile file…' })).toBeEnabled())
    expect(screen.getByRole('heading', { level: 1, name: 'Acme production' })).toBeInTheDocument()
    expect(screen.queryByRole('alert')).toBeNull()

    fake.App.ImportProfileFile.mockRejectedValueOnce('This is not a Partnerdesk profile file, or it is damaged.')
    await user.click(screen.getByRole('button', { name: 'Import profile file…' }))
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('The profile file was not added')
    expect(alert).toHaveTextContent('This is not a Partnerdesk profile file, or it is damaged.')
  })

  it('offers to import a profile file on the welcome screen', async () => {
    const fake = installFakeBackend()
    render(App)
    await userEvent.click(await screen.findByRole('button', { name: 'Import profile file…' }))
    expect(fake.App.ImportProfileFile).toHaveBeenCalledOnce()
    expect(await screen.findByRole('heading', { level: 1, name: 'Imported' })).toBeInTheDocument()
  })

  it('shows the keychain problem, and after "Keep tokens for this session only" the memory banner', async () => {
    const fake = installFakeBackend({
      profiles: [acme],
      activeProfileId: 'p-acme',
      keychain: { problem: 'Your keychain did not answer within 30s. It may be locked: unlock it, then try again.', sessionOnly: false },
    })
    render(App)
    const user = userEvent.setup()
    expect(await screen.findByText('Partnerdesk cannot use your keychain')).toBeInTheDocument()
    expect(screen.getByText(/Your keychain did not answer within 30s/)).toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: 'Keep tokens for this session only' }))
    expect(fake.App.KeepTokensInMemory).toHaveBeenCalledOnce()
    expect(await screen.findByText('Tokens are kept in memory only until you quit Partnerdesk.')).toBeInTheDocument()
    expect(screen.queryByText('Partnerdesk cannot use your keychain')).toBeNull()

    // It stays on every view.
    await user.click(screen.getByRole('button', { name: /^All tokens/ }))
    expect(screen.getByText('Tokens are kept in memory only until you quit Partnerdesk.')).toBeInTheDocument()
  })

  it('shows the keychain problem on the welcome screen too', async () => {
    installFakeBackend({ keychain: { problem: 'No keychain was found.', sessionOnly: false } })
    render(App)
    expect(await screen.findByText('No keychain was found.')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: /Try the Sandbox/ })).toBeInTheDocument()
  })
})

describe('App: profile files naming hosts outside Zapier', () => {
  const pending = {
    grant: 'implicit',
    id: 'imp-1',
    file: 'Look-alike.pdprofile',
    name: 'Look-alike',
    hosts: [{ host: 'api.zapier.com.evil.example', gets: ['the token'] }],
  }

  it('asks about a file opened by double-click before adding it, and adds it when trusted', async () => {
    // Go keeps the file waiting and says so in the state, however it arrived.
    const fake = installFakeBackend({ profiles: [acme], activeProfileId: 'p-acme', pendingImports: [pending] })
    render(App)
    const dialog = await screen.findByRole('dialog', { name: /^Import “Look-alike”\?/ })
    expect(dialog).toHaveTextContent('api.zapier.com.evil.example gets the token')
    expect(screen.queryByRole('button', { name: /Look-alike/ })).toBeNull()

    await userEvent.click(within(dialog).getByRole('button', { name: 'Trust api.zapier.com.evil.example and import' }))
    expect(fake.App.ConfirmImport).toHaveBeenCalledWith('imp-1')
    expect(await screen.findByRole('heading', { level: 1, name: 'Look-alike' })).toBeInTheDocument()
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(screen.getByText(/This profile sends your sign-in to/)).toHaveTextContent('api.zapier.com.evil.example')
  })

  it('adds nothing when the operator cancels', async () => {
    const fake = installFakeBackend({ profiles: [acme], activeProfileId: 'p-acme', pendingImports: [pending] })
    render(App)
    const dialog = await screen.findByRole('dialog', { name: /^Import “Look-alike”\?/ })
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(fake.App.CancelImport).toHaveBeenCalledWith('imp-1')
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(fake.App.ConfirmImport).not.toHaveBeenCalled()
    const nav = screen.getByRole('navigation', { name: 'Profiles' })
    expect(within(nav).queryByRole('button', { name: /Look-alike/ })).toBeNull()
  })

  it('asks the same way after the Import button', async () => {
    const fake = installFakeBackend({ profiles: [acme], activeProfileId: 'p-acme' })
    fake.App.ImportProfileFile.mockImplementationOnce(async () => {
      // As Go does: the file now waits in the state too.
      const st = await fake.App.GetState.getMockImplementation()!()
      fake.App.GetState.mockResolvedValue({ ...st, pendingImports: [pending] })
      return { profile: null, pending }
    })
    render(App)
    await userEvent.click(await screen.findByRole('button', { name: 'Import profile file…' }))
    expect(await screen.findByRole('dialog', { name: /^Import “Look-alike”\?/ })).toBeInTheDocument()
  })
})

