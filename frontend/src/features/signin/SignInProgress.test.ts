import { render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import SignInProgress from './SignInProgress.svelte'

describe('SignInProgress', () => {
  it('announces the message and marks the current step', () => {
    render(SignInProgress, {
      attempt: { profileId: 'p', method: 'window', stage: 'storing', message: 'Saving the token…', cancelling: false },
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
      attempt: { profileId: 'p', method: 'window', stage: 'waiting', message: 'Waiting', cancelling: false },
      profileName: 'Acme',
      oncancel,
    })
    await userEvent.click(screen.getByRole('button', { name: 'Cancel sign-in' }))
    expect(oncancel).toHaveBeenCalledOnce()
    await rerender({ attempt: { profileId: 'p', method: 'window', stage: 'waiting', message: 'Waiting', cancelling: true } })
    expect(screen.getByRole('button', { name: 'Cancelling…' })).toBeDisabled()
  })

  it('speaks of the browser for the browser method', () => {
    render(SignInProgress, {
      attempt: { profileId: 'p', method: 'browser', stage: 'waiting', message: 'Sign in in your browser.', cancelling: false },
      profileName: 'Acme',
      oncancel: vi.fn(),
    })
    expect(screen.getByRole('heading', { name: 'Signing in to Acme in your browser' })).toBeInTheDocument()
    expect(screen.getByText('Open your browser').closest('li')).toHaveClass('done')
    expect(screen.getByText('Sign in and allow there').closest('li')).toHaveAttribute('aria-current', 'step')
  })

  it("counts Go's browser stage as the sign-in step", () => {
    render(SignInProgress, {
      attempt: { profileId: 'p', method: 'browser', stage: 'browser', message: 'Sign in in your browser.', cancelling: false },
      profileName: 'Acme',
      oncancel: vi.fn(),
    })
    expect(screen.getByText('Sign in and allow there').closest('li')).toHaveAttribute('aria-current', 'step')
  })
})
