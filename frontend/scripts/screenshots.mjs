// Screenshots of the built UI (dist/) in headless Chromium, light and dark, against a
// fake Go side. Also fails if the page breaks its own Content-Security-Policy.
//
//   npm run build && node scripts/screenshots.mjs [outDir]     (default /tmp/partnerdesk-shots)
//
// Needs Debian's chromium at /usr/bin/chromium (or CHROMIUM=/path).

import { createServer } from 'node:http'
import { mkdir, readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = fileURLToPath(new URL('.', import.meta.url))
const dist = join(here, '..', 'dist')
const outDir = process.argv[2] ?? '/tmp/partnerdesk-shots'
const fakeSource = await readFile(join(here, 'fake-wails.js'), 'utf8')

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' }

// A static server for dist/, on loopback only.
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
  const file = join(dist, path === '/' ? 'index.html' : path)
  try {
    const body = await readFile(file)
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(body)
  } catch {
    res.writeHead(404).end()
  }
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const base = `http://127.0.0.1:${server.address().port}/`

// Sample data, relative to now so the relative times read naturally.
const now = Date.now()
const iso = (offsetMin) => new Date(now + offsetMin * 60_000).toISOString()
const ada = { id: '42', fullName: 'Ada Lovelace', email: 'ada@acme.example' }
const profile = (over) => ({
  id: 'p-acme',
  name: 'Acme production',
  clientId: 'AbCdEf1234567',
  redirectUri: 'https://acme.example/oauth/zapier',
  authorizeUrl: 'https://zapier.com/oauth/authorize/',
  apiBaseUrl: 'https://api.zapier.com',
  scopes: ['profile', 'zap', 'zap:runs'],
  sandbox: false,
  signedIn: false,
  tokenInvalid: false,
  expired: false,
  identity: null,
  grantedScopes: [],
  obtainedAt: null,
  expiresAt: null,
  lastVerifiedAt: null,
  lastVerifyOk: false,
  lastVerifyNote: '',
  ...over,
})
const signedIn = (over) =>
  profile({
    signedIn: true,
    identity: ada,
    grantedScopes: ['profile', 'zap', 'zap:runs'],
    obtainedAt: iso(-2),
    expiresAt: iso(598),
    lastVerifiedAt: iso(-1),
    lastVerifyOk: true,
    ...over,
  })
const sandboxProfile = profile({
  id: 'p-sandbox',
  name: 'Sandbox',
  sandbox: true,
  clientId: 'sandbox-client',
  redirectUri: 'http://127.0.0.1:47113/callback',
  authorizeUrl: 'http://127.0.0.1:47112/oauth/authorize/',
  apiBaseUrl: 'http://127.0.0.1:47112',
})
const many = [
  signedIn({}),
  profile({ id: 'p-staging', name: 'Acme staging', scopes: ['profile', 'zap'] }),
  signedIn({ id: 'p-eu', name: 'Acme EU', expired: true, obtainedAt: iso(-700), expiresAt: iso(-100) }),
  signedIn({
    id: 'p-old',
    name: 'Old integration',
    tokenInvalid: true,
    lastVerifyOk: false,
    lastVerifyNote: 'Zapier answered 401: the token is not valid any more.',
  }),
  sandboxProfile,
]
const state = (active, over = {}) => ({ profiles: many, activeProfileId: active, notice: '', version: '0.1.0', ...over })

const shots = [
  { name: 'welcome', scenario: { state: { profiles: [], activeProfileId: '', notice: '', version: '0.1.0' } } },
  {
    name: 'welcome-form-errors',
    scenario: { state: { profiles: [], activeProfileId: '', notice: '', version: '0.1.0' } },
    act: async (page) => {
      await page.getByRole('button', { name: /Set up my company's app/ }).click()
      await page.getByRole('button', { name: 'Add profile' }).click()
    },
  },
  {
    name: 'signed-in',
    scenario: {
      state: state('p-acme', {
        notice: 'Your profiles file could not be read and was set aside as profiles.json.bad-20250304. Your tokens are still in the keychain.',
      }),
    },
    act: async (page) => {
      await page.getByRole('button', { name: 'Copy token' }).click()
      await page.getByText(/Copied at/).waitFor()
    },
  },
  { name: 'token-rejected', scenario: { state: state('p-old') } },
  { name: 'expired', scenario: { state: state('p-eu') } },
  {
    name: 'signing-in',
    scenario: { state: state('p-staging'), signIn: 'pending' },
    act: async (page) => {
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.evaluate(() =>
        window.__emit('signin:progress', {
          profileId: 'p-staging',
          stage: 'waiting',
          message: 'Sign in and allow access in the Zapier window. Partnerdesk is waiting for it.',
        }),
      )
    },
  },
  {
    name: 'sign-in-declined',
    scenario: { state: state('p-staging') },
    act: async (page) => {
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.getByRole('alert').waitFor()
    },
  },
  {
    name: 'sign-out-confirm',
    scenario: { state: state('p-acme') },
    act: async (page) => {
      await page.getByRole('button', { name: 'Sign out' }).click()
    },
  },
  {
    name: 'add-profile-advanced',
    scenario: { state: state('p-acme') },
    act: async (page) => {
      await page.getByRole('button', { name: 'Add profile' }).first().click()
      await page.getByText('Advanced').click()
    },
  },
  { name: 'small-window', scenario: { state: state('p-acme') }, viewport: { width: 760, height: 520 } },
]

await mkdir(outDir, { recursive: true })
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--headless',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
})

const problems = []
try {
  for (const colorScheme of ['light', 'dark']) {
    for (const shot of shots) {
      const context = await browser.newContext({
        viewport: shot.viewport ?? { width: 1000, height: 700 },
        colorScheme,
        deviceScaleFactor: 1,
      })
      const page = await context.newPage()
      const errors = []
      page.on('pageerror', (e) => errors.push(String(e)))
      page.on('console', (m) => {
        // Browsers ignore frame-ancestors in a <meta> policy and say so; that is expected.
        if (m.type() === 'error' && !/frame-ancestors/.test(m.text())) errors.push(m.text())
      })
      await page.addInitScript(`${fakeSource}\ninstallFakeWails(${JSON.stringify({ ...shot.scenario, sandboxProfile })})`)
      await page.goto(base)
      await page.locator('#app > *').first().waitFor()
      await page.waitForTimeout(120)
      if (shot.act) await shot.act(page)
      await page.waitForTimeout(250)
      const file = join(outDir, `${shot.name}-${colorScheme}.png`)
      await page.screenshot({ path: file })
      const csp = await page.evaluate(() => window.__cspViolations)
      if (csp.length) problems.push(`${shot.name}/${colorScheme}: CSP violations: ${csp.join('; ')}`)
      if (errors.length) problems.push(`${shot.name}/${colorScheme}: ${errors.join('; ')}`)
      console.log(file)
      await context.close()
    }
  }
} finally {
  await browser.close()
  server.close()
}

if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
