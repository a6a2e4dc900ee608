// scripts/fake-wails.js is the fake Go side of the browser checks (screenshots, axe): plain
// JavaScript injected into the page, so the type checker does not see it. This holds it to
// the same contract as fakeBackend.ts: exactly the methods Go binds, as generated from Go.

import { afterEach, describe, expect, it } from 'vitest'
import fakeWailsSource from '../../scripts/fake-wails.js?raw'
import * as goApp from '../lib/api/wailsjs/go/main/App'
import { removeFakeBackend } from './fakeBackend'

describe('the browser checks’ fake Go side (scripts/fake-wails.js)', () => {
  afterEach(removeFakeBackend)

  it('binds exactly the methods Go binds', () => {
    const install = new Function(`${fakeWailsSource}\nreturn installFakeWails`)() as (scenario: unknown) => void
    install({ state: { profiles: [], activeProfileId: '', notice: '', version: '0.0.0-test' } })
    const faked = Object.keys(window.go?.main?.App ?? {}).sort()
    expect(faked).toEqual(Object.keys(goApp).sort())
  })
})
