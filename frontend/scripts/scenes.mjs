// The scenes of the built UI that screenshots.mjs photographs and axe.mjs checks, each a
// scenario for the fake Go side (fake-wails.js) and what to do on the page before looking.
// Sample data is relative to now, so relative times read naturally.

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
  missingScopes: [],
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
export const sandboxProfile = profile({
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
// For the token overview: one token lacking a scope it asked for, and expiring soon.
const reporting = signedIn({
  id: 'p-reports',
  name: 'Reporting',
  identity: { id: '43', fullName: 'Grace Hopper', email: 'grace@acme.example' },
  grantedScopes: ['profile', 'zap'],
  missingScopes: ['zap:runs'],
  obtainedAt: iso(-565),
  expiresAt: iso(35),
  lastVerifiedAt: iso(-300),
})
const overviewState = (over = {}) => state('p-acme', { profiles: [...many.slice(0, 1), reporting, ...many.slice(1)], ...over })
const KEYCHAIN_PROBLEM =
  'Partnerdesk cannot reach your system keychain (no Secret Service on the session bus). Tokens are kept only in the keychain, so nothing was saved. Make sure a keychain such as GNOME Keyring or KWallet is installed and running in your desktop session, then try again.'

// The code grant: an app with a client secret, renewing by itself; one whose secret the
// keychain lacks (imported); one Zapier refused the refresh token of.
const codeGrant = { grant: 'code', grantLabel: 'With a client secret: renews by itself', tokenUrl: 'https://zapier.com/oauth/token/' }
const renewing = signedIn({ id: 'p-2024', name: 'Acme 2024', ...codeGrant, renews: true, renewsAt: iso(593) })
const codeProfiles = [
  renewing,
  profile({ id: 'p-imported', name: 'Imported app', ...codeGrant, clientSecretMissing: true }),
  profile({
    id: 'p-refused',
    name: 'Refused app',
    ...codeGrant,
    signedOutReason:
      "Zapier no longer accepts this profile's saved sign-in (it was revoked, or renewed by a copy of Partnerdesk on another computer), so Partnerdesk signed it out. Sign in again to go on.",
  }),
  ...many,
]
const codeState = (active) => state(active, { profiles: codeProfiles })

export const scenes = [
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
      await page.getByText(/^Copied/).waitFor()
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
  {
    name: 'add-profile-code-grant',
    scenario: { state: state('p-acme') },
    act: async (page) => {
      await page.getByRole('button', { name: 'Add profile' }).first().click()
      await page.getByRole('radio', { name: /Yes, my app has a client secret/ }).check()
      await page.getByText('Advanced').click()
      await page.getByRole('button', { name: 'Add profile' }).last().click()
    },
  },
  { name: 'code-grant-renews', scenario: { state: codeState('p-2024') } },
  {
    name: 'code-grant-edit-stored-secret',
    scenario: { state: codeState('p-2024') },
    act: async (page) => {
      await page.getByRole('button', { name: 'App settings' }).click()
      await page.getByRole('button', { name: 'Edit…' }).click()
      await page.getByTestId('client-secret-stored').waitFor()
    },
  },
  { name: 'code-grant-needs-secret', scenario: { state: codeState('p-imported') } },
  { name: 'code-grant-refresh-refused', scenario: { state: codeState('p-refused') } },
  {
    name: 'tokens-overview-grants',
    scenario: { state: codeState('p-2024') },
    act: async (page) => {
      await page.getByRole('button', { name: /^All tokens/ }).click()
      await page.getByRole('heading', { name: 'All tokens' }).waitFor()
    },
  },
  { name: 'small-window', scenario: { state: state('p-acme') }, viewport: { width: 760, height: 520 } },

  // Profiles and tokens (issue 5).
  {
    name: 'tokens-overview',
    scenario: { state: overviewState() },
    act: async (page) => {
      await page.getByRole('button', { name: /^All tokens/ }).click()
      await page.getByRole('heading', { name: 'All tokens' }).waitFor()
    },
  },
  {
    name: 'tokens-verified',
    scenario: { state: overviewState() },
    act: async (page) => {
      await page.getByRole('button', { name: /^All tokens/ }).click()
      await page.getByRole('row', { name: /Reporting/ }).getByRole('button', { name: 'Verify now' }).click()
      await page.getByText(/missing zap:runs\./).waitFor()
    },
  },
  {
    name: 'tokens-sign-out-expired',
    scenario: { state: overviewState() },
    act: async (page) => {
      await page.getByRole('button', { name: /^All tokens/ }).click()
      await page.getByRole('button', { name: /Sign out of all expired/ }).click()
      await page.getByRole('alertdialog').waitFor()
    },
  },
  {
    name: 'tokens-small-window',
    scenario: { state: overviewState() },
    viewport: { width: 760, height: 520 },
    act: async (page) => {
      await page.getByRole('button', { name: /^All tokens/ }).click()
      await page.getByRole('heading', { name: 'All tokens' }).waitFor()
    },
  },
  {
    name: 'token-masked',
    scenario: { state: state('p-acme') },
    act: async (page) => {
      await page.getByText('zpk_…9f3a').waitFor()
    },
  },
  {
    name: 'paste-dialog',
    scenario: { state: state('p-staging') },
    act: async (page) => {
      await page.getByRole('button', { name: 'Sign in with my browser' }).click()
      await page.getByLabel('The address your browser ended on').waitFor()
    },
  },
  {
    name: 'paste-retry',
    scenario: { state: state('p-staging') },
    act: async (page) => {
      await page.getByRole('button', { name: 'Sign in with my browser' }).click()
      await page.getByLabel('The address your browser ended on').fill('https://zapier.com/app/dashboard')
      await page.getByRole('button', { name: 'Continue' }).click()
      await page.getByRole('alert').waitFor()
    },
  },
  {
    name: 'paste-checking',
    scenario: { state: state('p-staging'), paste: 'pending' },
    act: async (page) => {
      await page.getByRole('button', { name: 'Sign in with my browser' }).click()
      await page
        .getByLabel('The address your browser ended on')
        .fill('https://acme.example/oauth/zapier#access_token=…&token_type=Bearer&state=q9')
      await page.getByRole('button', { name: 'Continue' }).click()
      await page.evaluate(() =>
        window.__emit('signin:progress', { profileId: 'p-staging', stage: 'storing', message: "Saving the token in your keychain…" }),
      )
    },
  },
  {
    name: 'browser-sign-in',
    scenario: { state: state('p-sandbox'), signIn: 'pending' },
    act: async (page) => {
      await page.getByRole('button', { name: 'Sign in with my browser' }).click()
      await page.evaluate(() =>
        window.__emit('signin:progress', { profileId: 'p-sandbox', stage: 'waiting', message: 'Sign in and approve access in the sign-in window.' }),
      )
    },
  },
  {
    name: 'keychain-problem',
    scenario: { state: state('p-staging', { keychain: { problem: KEYCHAIN_PROBLEM, sessionOnly: false } }) },
  },
  {
    name: 'keychain-session-only',
    scenario: { state: state('p-acme', { keychain: { problem: '', sessionOnly: true } }) },
  },
  {
    name: 'edit-profile',
    scenario: { state: state('p-acme') },
    act: async (page) => {
      await page.getByText('App settings').click()
      await page.getByRole('button', { name: 'Edit…' }).click()
      await page.getByRole('heading', { name: /^Edit / }).waitFor()
    },
  },
  {
    name: 'remove-profile',
    scenario: { state: state('p-acme') },
    act: async (page) => {
      await page.getByText('App settings').click()
      await page.getByRole('button', { name: 'Remove profile…' }).click()
      await page.getByRole('alertdialog').waitFor()
    },
  },
  {
    name: 'remove-all-data',
    scenario: { state: state('p-acme') },
    act: async (page) => {
      await page.getByRole('button', { name: 'Remove all my data…' }).click()
      await page.getByLabel('Type REMOVE to confirm').fill('REMO')
    },
  },

  // Browse: the fake Go side has 10,000 Zaps (see fake-wails.js).
  {
    name: 'browse-zaps',
    scenario: { state: state('p-acme') },
    act: async (page) => {
      await openBrowse(page)
      await loadAll(page)
      await page.getByRole('grid').focus()
      for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown')
    },
  },
  {
    name: 'browse-scrolled',
    scenario: { state: state('p-acme') },
    act: async (page) => {
      await openBrowse(page)
      await loadAll(page)
      await page.getByRole('grid').focus()
      await page.keyboard.press('End')
    },
  },
  {
    name: 'browse-filter',
    scenario: { state: state('p-acme') },
    act: async (page) => {
      await openBrowse(page)
      await loadAll(page)
      await page.getByRole('searchbox', { name: 'Filter loaded rows' }).fill('slack gmail')
    },
  },
  {
    name: 'browse-detail',
    scenario: { state: state('p-acme') },
    act: async (page) => {
      await openBrowse(page)
      await page.getByRole('row').nth(3).waitFor()
      await page.getByRole('grid').focus()
      await page.keyboard.press('ArrowDown')
      await page.keyboard.press('ArrowDown')
      await page.keyboard.press('Enter')
    },
  },
  {
    name: 'browse-json',
    scenario: { state: state('p-acme') },
    act: async (page) => {
      await openBrowse(page)
      await page.getByRole('row').nth(3).waitFor()
      await page.getByRole('grid').focus()
      await page.keyboard.press('ArrowDown')
      await page.getByRole('button', { name: 'JSON', exact: true }).click()
    },
  },
  {
    name: 'browse-loading-all',
    scenario: { state: state('p-acme'), browse: { stopAllAt: 2300 } },
    act: async (page) => {
      await openBrowse(page)
      await page.getByRole('button', { name: /^Load all/ }).click()
      await page.getByText('Loading all Zaps… 2,300 of 10,000').waitFor()
    },
  },
  {
    name: 'browse-first-page',
    scenario: { state: state('p-acme'), browse: { mode: 'slow' } },
    act: openBrowse,
  },
  {
    name: 'browse-offline',
    scenario: { state: state('p-acme'), browse: { mode: 'offline' } },
    act: browseUntil((page) => page.getByTestId('cached')),
  },
  {
    name: 'browse-cached-refreshing',
    scenario: { state: state('p-acme'), browse: { mode: 'cached' } },
    act: browseUntil((page) => page.getByTestId('cached')),
  },
  {
    name: 'browse-rate-limited',
    scenario: { state: state('p-acme'), browse: { mode: 'rate-limited', stopAllAt: 1200 } },
    act: async (page) => {
      await openBrowse(page)
      await page.getByRole('button', { name: /^Load all/ }).click()
      await page.getByTestId('wait').waitFor()
    },
  },
  {
    name: 'browse-token-invalid',
    scenario: { state: state('p-acme'), browse: { mode: 'token-invalid' } },
    act: browseUntil((page) => page.getByRole('alert')),
  },
  {
    name: 'browse-server-error',
    scenario: { state: state('p-acme'), browse: { mode: 'server' } },
    act: browseUntil((page) => page.getByRole('alert')),
  },
  {
    name: 'browse-missing-scope',
    scenario: {
      state: state('p-acme', {
        profiles: [signedIn({ scopes: ['profile', 'zap'], grantedScopes: ['profile', 'zap'] }), ...many.slice(1)],
      }),
    },
    act: async (page) => {
      await openBrowse(page)
      await page.getByRole('button', { name: /Zap runs/ }).click()
    },
  },
  {
    name: 'browse-params',
    scenario: { state: state('p-acme') },
    act: async (page) => {
      await openBrowse(page)
      await page.getByRole('button', { name: /^Actions/ }).click()
    },
  },
  {
    name: 'browse-signed-out',
    scenario: { state: state('p-staging') },
    act: openBrowse,
  },
  {
    name: 'browse-small-window',
    scenario: { state: state('p-acme') },
    viewport: { width: 760, height: 520 },
    act: async (page) => {
      await openBrowse(page)
      await page.getByRole('row').nth(3).waitFor()
      await page.getByRole('grid').focus()
      await page.keyboard.press('ArrowDown')
      await page.keyboard.press('Enter')
    },
  },
]

/** A scene that opens Browse and waits until locate(page) is on the page. */
function browseUntil(locate) {
  return async (page) => {
    await openBrowse(page)
    await locate(page).waitFor()
  }
}

async function openBrowse(page) {
  await page.getByRole('tab', { name: 'Browse' }).click()
  await page.locator('#resource-title').waitFor()
}

async function loadAll(page) {
  await page.getByRole('button', { name: /^Load all/ }).click()
  await page.getByTestId('count').getByText('10,000 rows').waitFor()
}

