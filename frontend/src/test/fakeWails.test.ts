// scripts/fake-wails.js is the fake Go side of the browser checks (screenshots, axe): plain
// JavaScript injected into the page, so the type checker does not see it. This holds it to
// the same contract as fakeBackend.ts: exactly the methods Go binds, as generated from Go.

import { afterEach, describe, expect, it } from 'vitest'
import fakeWailsSource from '../../scripts/fake-wails.js?raw'
import * as goBrowse from '../lib/api/wailsjs/go/desktop/Browse'
import * as goProfiles from '../lib/api/wailsjs/go/desktop/Profiles'
import * as goSession from '../lib/api/wailsjs/go/desktop/Session'
import * as goSignIn from '../lib/api/wailsjs/go/desktop/SignIn'
import { removeFakeBackend } from './fakeBackend'

describe('the browser checks’ fake Go side (scripts/fake-wails.js)', () => {
  afterEach(removeFakeBackend)

  it('binds exactly the methods Go binds', () => {
    const install = new Function(`${fakeWailsSource}\nreturn installFakeWails`)() as (scenario: unknown) => void
    install({ state: { profiles: [], activeProfileId: '', notice: '', version: '0.0.0-test' } })
    const d = window.go?.desktop
    for (const [name, generated] of [
      ['Session', goSession],
      ['SignIn', goSignIn],
      ['Profiles', goProfiles],
      ['Browse', goBrowse],
    ] as const) {
      const faked = Object.keys(d?.[name] ?? {})
      for (const method of Object.keys(generated)) expect(faked, `${name}.${method}`).toContain(method)
    }
    const all = [goSession, goSignIn, goProfiles, goBrowse].flatMap((m) => Object.keys(m)).sort()
    expect(Object.keys(d?.Session ?? {}).sort()).toEqual(all)
  })
})
