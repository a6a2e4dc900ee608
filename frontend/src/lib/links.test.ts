import { render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { installFakeBackend, type FakeBackend } from '../test/fakeBackend'
import Toasts from './ui/Toasts.svelte'
import { guardNavigation } from './links'

let fake: FakeBackend
let unguard: () => void

beforeEach(() => {
  fake = installFakeBackend()
  unguard = guardNavigation()
})
afterEach(() => {
  unguard()
  document.body.innerHTML = ''
})

function clickLink(href: string): MouseEvent {
  const a = document.createElement('a')
  a.href = href
  a.innerHTML = '<span>text</span>'
  document.body.append(a)
  const e = new MouseEvent('click', { bubbles: true, cancelable: true })
  a.firstElementChild!.dispatchEvent(e)
  return e
}

describe('guardNavigation', () => {
  it('opens web links in the system browser instead of this window', () => {
    const e = clickLink('https://docs.zapier.com/')
    expect(e.defaultPrevented).toBe(true)
    expect(fake.App.OpenURL).toHaveBeenCalledWith('https://docs.zapier.com/')
  })

  it('says so when Go refuses to open a link, until dismissed', async () => {
    const refusal =
      'Partnerdesk opens only Zapier’s pages and the pages of your profiles’ sign-in providers. This address was not opened.'
    fake.App.OpenURL.mockRejectedValue(refusal)
    render(Toasts)
    clickLink('https://elsewhere.example/')
    expect(await screen.findByRole('alert')).toHaveTextContent(refusal)
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('blocks other schemes without opening anything', () => {
    const e = clickLink('file:///etc/passwd')
    expect(e.defaultPrevented).toBe(true)
    expect(fake.App.OpenURL).not.toHaveBeenCalled()
  })

  it('leaves the app’s own links alone', () => {
    const e = clickLink('#section')
    expect(e.defaultPrevented).toBe(false)
    expect(fake.App.OpenURL).not.toHaveBeenCalled()
  })

  it('ignores a dropped file', () => {
    const e = new Event('drop', { bubbles: true, cancelable: true })
    document.body.dispatchEvent(e)
    expect(e.defaultPrevented).toBe(true)
  })
})
