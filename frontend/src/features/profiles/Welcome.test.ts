import { render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { installFakeBackend, type FakeBackend } from '../../test/fakeBackend'
import Welcome from './Welcome.svelte'

let fake: FakeBackend
beforeEach(() => {
  fake = installFakeBackend()
})

describe('Welcome', () => {
  it('starts the Sandbox and hands up the new profile', async () => {
    const oncreated = vi.fn()
    render(Welcome, { oncreated })
    const card = screen.getByRole('button', { name: /Try the Sandbox/ })
    expect(card).toHaveAccessibleDescription(/runs inside Partnerdesk on this computer.*nothing leaves the machine/)

    await userEvent.click(card)
    expect(fake.App.AddSandboxProfile).toHaveBeenCalledOnce()
    expect(oncreated).toHaveBeenCalledWith(expect.objectContaining({ id: 'p-sandbox', sandbox: true }))
  })

  it('shows why the Sandbox did not start', async () => {
    fake.App.AddSandboxProfile.mockRejectedValue('The Sandbox could not listen on 127.0.0.1. Restart Partnerdesk.')
    render(Welcome, { oncreated: vi.fn() })
    await userEvent.click(screen.getByRole('button', { name: /Try the Sandbox/ }))
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The Sandbox could not listen on 127.0.0.1. Restart Partnerdesk.',
    )
  })

  it('opens the form for the company’s app, and goes back', async () => {
    render(Welcome, { oncreated: vi.fn() })
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: /Set up my company's app/ }))
    expect(screen.getByLabelText('Client ID')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: /Back/ }))
    expect(screen.getByRole('button', { name: /Try the Sandbox/ })).toBeInTheDocument()
  })

  it('is usable from the keyboard alone', async () => {
    render(Welcome, { oncreated: vi.fn() })
    const user = userEvent.setup()
    await user.tab()
    expect(screen.getByRole('button', { name: /Try the Sandbox/ })).toHaveFocus()
    await user.tab()
    expect(screen.getByRole('button', { name: /Set up my company's app/ })).toHaveFocus()
    await user.keyboard('{Enter}')
    expect(screen.getByLabelText('Profile name')).toBeInTheDocument()
  })
})
