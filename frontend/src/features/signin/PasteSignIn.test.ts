import { render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { tick } from 'svelte'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { installFakeBackend, type FakeBackend } from '../../test/fakeBackend'
import { makeProfile, signedInProfile } from '../../test/fixtures'
import type { PasteOutcome } from '../../lib/api/types'
import PasteSignIn from './PasteSignIn.svelte'

const REDIRECT = 'https://acme.example/oauth/zapier'
const NOT_THE_REDIRECT =
  "That address is not the profile's registered redirect URI. Once Zapier has sent you there, copy the whole address from the browser's address bar."

let fake: FakeBackend
beforeEach(() => {
  fake = installFakeBackend({ profiles: [makeProfile({ redirectUri: REDIRECT })] })
})

function open(over: Record<string, unknown> = {}) {
  const ondone = vi.fn()
  const onclose = vi.fn()
  const r = render(PasteSignIn, { profileId: 'p-acme', profileName: 'Acme production', force: false, ondone, onclose, ...over })
  return { ...r, ondone, onclose }
}

const field = () => screen.findByLabelText('The address your browser ended on')

describe('PasteSignIn', () => {
  it('opens the browser through Go and explains each step, naming the redirect URI', async () => {
    open({ force: true })
    const dialog = screen.getByRole('dialog', { name: 'Sign in to Acme production with your browser' })
    expect(within(dialog).getByRole('status')).toHaveTextContent('Opening Zapier’s page in your web browser')
    expect(fake.App.StartPaste).toHaveBeenCalledWith('p-acme', true)

    expect(await field()).toHaveFocus()
    expect(dialog).toHaveTextContent('Your web browser opens Zapier’s page.')
    expect(dialog).toHaveTextContent('Sign in there with the Zapier account you want to use, and choose Allow.')
    expect(dialog).toHaveTextContent(`The browser then ends on ${REDIRECT}. It may show an error or “page not found”: that is expected.`)
    expect(dialog).toHaveTextContent('Copy the whole address from the browser’s address bar and paste it below.')
  })

  it('reopens Zapier’s page in the system browser on request', async () => {
    open()
    await field()
    await userEvent.click(screen.getByRole('link', { name: /Open it again/ }))
    expect(fake.App.OpenURL).toHaveBeenCalledWith('https://zapier.com/oauth/authorize/?response_type=token&state=s1')
  })

  it('asks for an address before asking Go', async () => {
    open()
    await userEvent.click(await screen.findByRole('button', { name: 'Continue' }))
    expect(screen.getByText("Paste the address from your browser's address bar first.")).toBeInTheDocument()
    expect(fake.App.CompletePaste).not.toHaveBeenCalled()
  })

  it('lets the operator paste again when the address was not the redirect URI, then signs in', async () => {
    fake.App.CompletePaste.mockResolvedValueOnce({ ok: false, cancelled: false, message: NOT_THE_REDIRECT, profile: null, retry: true })
    const view = signedInProfile(new Date())
    fake.App.CompletePaste.mockResolvedValueOnce({ ok: true, cancelled: false, message: 'Signed in.', profile: view, retry: false })
    const { ondone, onclose } = open()
    const user = userEvent.setup()

    await user.type(await field(), 'https://zapier.com/app/dashboard')
    await user.click(screen.getByRole('button', { name: 'Continue' }))
    expect(fake.App.CompletePaste).toHaveBeenLastCalledWith('https://zapier.com/app/dashboard')
    expect(await screen.findByRole('alert')).toHaveTextContent(NOT_THE_REDIRECT)
    const input = await field()
    expect(input).toHaveAttribute('aria-invalid', 'true')
    expect(input).toHaveFocus()
    expect(fake.App.CancelPaste).not.toHaveBeenCalled()
    expect(ondone).not.toHaveBeenCalled()

    await user.clear(input)
    await user.type(input, `  ${REDIRECT}#access_token=abc&state=s1  {Enter}`)
    expect(fake.App.CompletePaste).toHaveBeenLastCalledWith(`${REDIRECT}#access_token=abc&state=s1`)
    await vi.waitFor(() => expect(ondone).toHaveBeenCalledWith(expect.objectContaining({ ok: true, profile: view })))
    expect(onclose).not.toHaveBeenCalled()
  })

  it('shows progress while Go checks the address, and cannot be closed meanwhile', async () => {
    let answer!: (o: PasteOutcome) => void
    fake.App.CompletePaste.mockReturnValue(new Promise((r) => (answer = r)))
    const { onclose } = open()
    const user = userEvent.setup()
    await user.type(await field(), `${REDIRECT}#state=s1`)
    await user.click(screen.getByRole('button', { name: 'Continue' }))
    expect(screen.getByRole('button', { name: 'Checking…' })).toBeDisabled()
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeDisabled()

    fake.emit('signin:progress', { profileId: 'p-acme', stage: 'storing', message: 'Saving the token in your keychain…' })
    await tick()
    expect(screen.getByText('Saving the token in your keychain…')).toBeInTheDocument()
    await user.keyboard('{Escape}')
    expect(onclose).not.toHaveBeenCalled()

    answer({ ok: true, cancelled: false, message: '', profile: null, retry: false })
  })

  it('ends the attempt on any other failure and offers to start again', async () => {
    fake.App.CompletePaste.mockResolvedValue({
      ok: false,
      cancelled: false,
      message: 'The answer from the sign-in page did not belong to this sign-in, so it was refused for your safety and nothing was saved.',
      profile: null,
      retry: false,
    })
    open()
    const user = userEvent.setup()
    await user.type(await field(), `${REDIRECT}#access_token=x&state=forged`)
    await user.click(screen.getByRole('button', { name: 'Continue' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('Sign-in did not work')
    expect(screen.getByRole('alert')).toHaveTextContent('refused for your safety')
    expect(screen.queryByLabelText('The address your browser ended on')).toBeNull()

    await user.click(screen.getByRole('button', { name: 'Start again' }))
    expect(fake.App.StartPaste).toHaveBeenCalledTimes(2)
    expect(await field()).toHaveValue('')
  })

  it('cancels through Go', async () => {
    const { onclose } = open()
    await field()
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(fake.App.CancelPaste).toHaveBeenCalledOnce()
    expect(onclose).toHaveBeenCalledOnce()
  })

  it('cancels with Escape too', async () => {
    const { onclose } = open()
    await field()
    await userEvent.keyboard('{Escape}')
    expect(fake.App.CancelPaste).toHaveBeenCalledOnce()
    expect(onclose).toHaveBeenCalledOnce()
  })

  it('says why it could not start', async () => {
    fake.App.StartPaste.mockRejectedValue('A sign-in window is already open. Finish or close it first.')
    const { onclose } = open()
    expect(await screen.findByRole('alert')).toHaveTextContent('A sign-in window is already open. Finish or close it first.')
    await userEvent.click(screen.getByRole('button', { name: 'Close' }))
    expect(onclose).toHaveBeenCalledOnce()
    expect(fake.App.CancelPaste).not.toHaveBeenCalled()
  })
})
