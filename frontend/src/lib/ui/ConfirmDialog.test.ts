import { render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { createRawSnippet } from 'svelte'
import { describe, expect, it, vi } from 'vitest'
import ConfirmDialog from './ConfirmDialog.svelte'

const body = createRawSnippet(() => ({ render: () => '<p>Are you sure?</p>' }))

function open(over: Record<string, unknown> = {}) {
  const onconfirm = vi.fn()
  const oncancel = vi.fn()
  const r = render(ConfirmDialog, {
    title: 'Sign out?',
    children: body,
    confirmLabel: 'Sign out',
    danger: true,
    onconfirm,
    oncancel,
    ...over,
  })
  return { ...r, onconfirm, oncancel }
}

describe('ConfirmDialog', () => {
  it('is a labelled modal with focus on the safe answer', () => {
    open()
    const dialog = screen.getByRole('alertdialog', { name: 'Sign out?' })
    expect(dialog).toHaveAttribute('aria-modal', 'true')
    expect(dialog).toHaveAccessibleDescription('Are you sure?')
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus()
  })

  it('keeps Tab and Shift+Tab inside', async () => {
    open()
    const user = userEvent.setup()
    const cancel = screen.getByRole('button', { name: 'Cancel' })
    const confirm = screen.getByRole('button', { name: 'Sign out' })
    await user.tab()
    expect(confirm).toHaveFocus()
    await user.tab()
    expect(cancel).toHaveFocus()
    await user.tab({ shift: true })
    expect(confirm).toHaveFocus()
  })

  it('answers cancel on Escape', async () => {
    const { oncancel, onconfirm } = open()
    await userEvent.keyboard('{Escape}')
    expect(oncancel).toHaveBeenCalledOnce()
    expect(onconfirm).not.toHaveBeenCalled()
  })

  it('confirms with the confirm button', async () => {
    const { onconfirm } = open()
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }))
    expect(onconfirm).toHaveBeenCalledOnce()
  })

  it('gives focus back to what had it', () => {
    const opener = document.createElement('button')
    document.body.append(opener)
    opener.focus()
    const { unmount } = open()
    expect(opener).not.toHaveFocus()
    unmount()
    expect(opener).toHaveFocus()
    opener.remove()
  })

  it('cannot be dismissed while busy', async () => {
    const { oncancel } = open({ busy: true })
    await userEvent.keyboard('{Escape}')
    expect(oncancel).not.toHaveBeenCalled()
  })
})
