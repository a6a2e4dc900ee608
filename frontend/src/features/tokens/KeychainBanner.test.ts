import { render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { installFakeBackend, type FakeBackend } from '../../test/fakeBackend'
import KeychainBanner from './KeychainBanner.svelte'

const PROBLEM =
  'Partnerdesk cannot reach your system keychain (no Secret Service on the session bus). Make sure a keychain such as GNOME Keyring or KWallet is installed and running in your desktop session, then try again.'

let fake: FakeBackend
beforeEach(() => {
  fake = installFakeBackend()
})

describe('KeychainBanner', () => {
  it('shows nothing while the keychain works', () => {
    const { container } = render(KeychainBanner, { keychain: { problem: '', sessionOnly: false }, onchanged: vi.fn() })
    expect(container).toHaveTextContent(/^$/)
    expect(container.querySelector('[role]')).toBeNull()
  })

  it('puts Go’s explanation up front and offers to keep tokens for this session only', async () => {
    const onchanged = vi.fn()
    render(KeychainBanner, { keychain: { problem: PROBLEM, sessionOnly: false }, onchanged })
    const banner = screen.getByRole('alert')
    expect(banner).toHaveTextContent('Partnerdesk cannot use your keychain')
    expect(banner).toHaveTextContent(PROBLEM)
    const keep = screen.getByRole('button', { name: 'Keep tokens for this session only' })
    expect(keep).toHaveAccessibleDescription(
      'They stay in memory, are never written anywhere, and vanish when Partnerdesk quits.',
    )
    await userEvent.click(keep)
    expect(fake.App.KeepTokensInMemory).toHaveBeenCalledOnce()
    expect(onchanged).toHaveBeenCalledOnce()
  })

  it('says so when switching fails', async () => {
    fake.App.KeepTokensInMemory.mockRejectedValue('Something went wrong. Try again.')
    const onchanged = vi.fn()
    render(KeychainBanner, { keychain: { problem: PROBLEM, sessionOnly: false }, onchanged })
    await userEvent.click(screen.getByRole('button', { name: 'Keep tokens for this session only' }))
    expect(await screen.findByText('Something went wrong. Try again.')).toBeInTheDocument()
    expect(onchanged).not.toHaveBeenCalled()
  })

  it('keeps a banner up while tokens live in memory only, with nothing to dismiss', () => {
    render(KeychainBanner, { keychain: { problem: '', sessionOnly: true }, onchanged: vi.fn() })
    expect(screen.getByTestId('session-only')).toHaveTextContent(
      'Tokens are kept in memory only until you quit Partnerdesk.',
    )
    expect(screen.queryByRole('button')).toBeNull()
  })
})
