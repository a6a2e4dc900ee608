import { render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { installFakeBackend, type FakeBackend } from '../../test/fakeBackend'
import RemoveAllData from './RemoveAllData.svelte'

let fake: FakeBackend
beforeEach(() => {
  fake = installFakeBackend()
})

function open() {
  const onremoved = vi.fn()
  const oncancel = vi.fn()
  render(RemoveAllData, { profileCount: 3, onremoved, oncancel })
  const dialog = screen.getByRole('alertdialog', { name: 'Remove all your Partnerdesk data?' })
  return { dialog, onremoved, oncancel, confirm: within(dialog).getByRole('button', { name: 'Remove everything' }) }
}

describe('RemoveAllData', () => {
  it('says exactly what is deleted, and what is not', () => {
    const { dialog } = open()
    for (const what of [
      'all 3 profiles and their settings',
      'every token Partnerdesk keeps in your keychain',
      'every sign-in session',
      'all cached results',
      "Partnerdesk's log",
      'Profile files you exported stay where you saved them',
      'Zapier offers no way to revoke tokens',
    ]) {
      expect(dialog).toHaveTextContent(what)
    }
  })

  it('works only once REMOVE is typed, and focuses the field for it', async () => {
    const { confirm, onremoved } = open()
    const user = userEvent.setup()
    const field = screen.getByLabelText('Type REMOVE to confirm')
    expect(field).toHaveFocus()
    expect(confirm).toBeDisabled()

    await user.type(field, 'remove{Enter}')
    expect(confirm).toBeDisabled()
    await user.click(confirm)
    expect(fake.App.RemoveAllData).not.toHaveBeenCalled()

    await user.clear(field)
    await user.type(field, 'REMOV')
    expect(confirm).toBeDisabled()
    await user.type(field, 'E')
    expect(confirm).toBeEnabled()
    await user.click(confirm)
    expect(fake.App.RemoveAllData).toHaveBeenCalledOnce()
    await vi.waitFor(() => expect(onremoved).toHaveBeenCalledOnce())
  })

  it('takes Enter in the field once the word is right', async () => {
    const { onremoved } = open()
    await userEvent.type(screen.getByLabelText('Type REMOVE to confirm'), 'REMOVE{Enter}')
    expect(fake.App.RemoveAllData).toHaveBeenCalledOnce()
    await vi.waitFor(() => expect(onremoved).toHaveBeenCalledOnce())
  })

  it('cancels with Escape without deleting anything', async () => {
    const { oncancel } = open()
    await userEvent.keyboard('{Escape}')
    expect(oncancel).toHaveBeenCalledOnce()
    expect(fake.App.RemoveAllData).not.toHaveBeenCalled()
  })

  it('stays open with Go’s words when removing fails', async () => {
    fake.App.RemoveAllData.mockRejectedValue('The keychain is locked. Unlock it and try again.')
    const { onremoved } = open()
    await userEvent.type(screen.getByLabelText('Type REMOVE to confirm'), 'REMOVE{Enter}')
    expect(await screen.findByRole('alert')).toHaveTextContent('The keychain is locked. Unlock it and try again.')
    expect(onremoved).not.toHaveBeenCalled()
    expect(screen.getByRole('alertdialog')).toBeInTheDocument()
  })
})
