import { expect } from 'vitest'

// Anything that looks like a bearer token: a long run of letters, digits, - and _.
// Zapier's tokens are 30 characters and more; nothing the UI shows comes close.
const TOKENISH = /[A-Za-z0-9_-]{24,}/

/** Fails if the rendered DOM holds token-like text in its text, attributes or inputs. */
export function expectNothingTokenLike(root: HTMLElement = document.body): void {
  expect(root.textContent ?? '').not.toMatch(TOKENISH)
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name === 'class' || attr.name === 'id' || attr.name.startsWith('aria-')) continue
      expect(`${attr.name}=${attr.value}`).not.toMatch(TOKENISH)
    }
    if (el instanceof HTMLInputElement) expect(el.value).not.toMatch(TOKENISH)
  }
}
