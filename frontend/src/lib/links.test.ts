import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { installFakeBackend, type FakeBackend } from '../test/fakeBackend'
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
