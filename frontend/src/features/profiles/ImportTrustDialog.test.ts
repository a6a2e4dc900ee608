import { render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { installFakeBackend, type FakeBackend } from '../../test/fakeBackend'
import type { PendingImport } from '../../lib/api/types'
import ImportTrustDialog from './ImportTrustDialog.svelte'

const PENDING: PendingImport = {
  id: 'imp-1',
  grant: 'implicit',
  file: 'Acme.pdprofile',
  name: 'Acme',
  hosts: [
    { host: 'login.evil.example', gets: ['the password page'] },
    { host: 'api.evil.example:8443', gets: ['the token'] },
  ],
}

let fake: FakeBackend

beforeEach(() => {
  fake = installFakeBackend({ pendingImports: [PENDING] })
})

describe('ImportTrustDialog', () => {
  it('is a named dialog that names every host and what it gets', () => {
    render(ImportTrustDialog, { pending: PENDING, onimported: vi.fn(), onclose: vi.fn() })
    const dialog = screen.getByRole('dialog', { name: /^Import “Acme”\? It sends your sign-in outside Zapier/ })
    const items = within(dialog)
      .getAllByRole('listitem')
      .map((li) => li.textContent?.replace(/\s+/g, ' ').trim())
    expect(items).toEqual(['login.evil.example gets the password page', 'api.evil.example:8443 gets the token'])
    expect(within(dialog).getByText('Acme.pdprofile')).toBeInTheDocument()
    expect(
      within(dialog).getByRole('button', { name: 'Trust login.evil.example and api.evil.example:8443 and import' }),
    ).toBeInTheDocument()
  })

  it('says a profile with a client secret will ask for it, and only then', () => {
    const { unmount } = render(ImportTrustDialog, { pending: PENDING, onimported: vi.fn(), onclose: vi.fn() })
    expect(screen.queryByTestId('needs-secret')).toBeNull()
    unmount()
    render(ImportTrustDialog, { pending: { ...PENDING, grant: 'code' }, onimported: vi.fn(), onclose: vi.fn() })
    expect(screen.getByTestId('needs-secret')).toHaveTextContent('profile files never carry')
  })

  it('has Cancel focused first, so Enter alone adds nothing', async () => {
    const onclose = vi.fn()
    const onimported = vi.fn()
    render(ImportTrustDialog, { pending: PENDING, onimported, onclose })
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus()
    await userEvent.keyboard('{Enter}')
    expect(fake.App.CancelImport).toHaveBeenCalledWith('imp-1')
    expect(fake.App.ConfirmImport).not.toHaveBeenCalled()
    expect(onimported).not.toHaveBeenCalled()
    await vi.waitFor(() => expect(onclose).toHaveBeenCalledWith())
  })

  it('confirms with the waiting import’s id only, never the profile', async () => {
    const onimported = vi.fn()
    render(ImportTrustDialog, { pending: PENDING, onimported, onclose: vi.fn() })
    await userEvent.click(screen.getByRole('button', { name: /^Trust .* and import$/ }))
    expect(fake.App.ConfirmImport).toHaveBeenCalledTimes(1)
    expect(fake.App.ConfirmImport.mock.calls[0]).toEqual(['imp-1'])
    await vi.waitFor(() => expect(onimported).toHaveBeenCalledOnce())
    expect(onimported.mock.calls[0][0].name).toBe('Acme')
  })

  it('hands Go’s words back when the import fails', async () => {
    fake.App.ConfirmImport.mockRejectedValueOnce('Profile already exists: a profile named "Acme" already exists.')
    const onclose = vi.fn()
    render(ImportTrustDialog, { pending: PENDING, onimported: vi.fn(), onclose })
    await userEvent.click(screen.getByRole('button', { name: /^Trust .* and import$/ }))
    await vi.waitFor(() => expect(onclose).toHaveBeenCalledWith('Profile already exists: a profile named "Acme" already exists.'))
  })

  it('Escape cancels too', async () => {
    const onclose = vi.fn()
    render(ImportTrustDialog, { pending: PENDING, onimported: vi.fn(), onclose })
    await userEvent.keyboard('{Escape}')
    expect(fake.App.CancelImport).toHaveBeenCalledWith('imp-1')
    await vi.waitFor(() => expect(onclose).toHaveBeenCalled())
  })
})
