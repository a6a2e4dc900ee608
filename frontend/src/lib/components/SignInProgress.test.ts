import { render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import SignInProgress from './SignInProgress.svelte'

describe('SignInProgress', () => {
  it('announces the message and marks the current step', () => {
    render(SignInProgress, {
      attempt: { profileId: 'p', stage: 'storing', message: 'Saving the token…', cancelling: false },
      profileName: 'Acme',
      oncancel: vi.fn(),
    })
    const message = screen.getByText('Saving the token…')
    expect(message).toHaveAttribute('aria-live', 'polite')
    expect(screen.getByText('Save the token').closest('li')).toHaveAttribute('aria-current', 'step')
    expect(screen.getByText('Open Zapier').closest('li')).toHaveClass('done')
  })

  it('cancels, once', async () => {
    const oncancel = vi.fn()
    const { rerender } = render(SignInProgress, {
      attempt: { profileId: 'p', stage: 'waiting', message: 'Waiting', cancelling: false },
      profileName: 'Acme',
      oncancel,
    })
    await userEvent.click(screen.getByRole('button', { name: 'Cancel sign-in' }))
    expect(oncancel).toHaveBeenCalledOnce()
    await rerender({ attempt: { profileId: 'p', stage: 'waiting', message: 'Waiting', cancelling: true } })
    expect(screen.getByRole('button', { name: 'Cancelling…' })).toBeDisabled()
  })
})
