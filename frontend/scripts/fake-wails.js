// Injected before the page loads (Playwright addInitScript) to stand in for what Wails
// provides: window.go.desktop's services and window.runtime. For screenshots and browser checks
// only; never shipped. `scenario` is { state, signIn: 'pending' | 'ok', browse, paste }, where
// browse is { size, mode, pageSize, stopAllAt, asOfMinutes } and mode one of 'live'
// (default), 'offline' (saved rows and an offline error), 'cached' (saved rows, then
// nothing: still asking Zapier), 'rate-limited' (a wait that
// never ends), 'token-invalid', 'server', 'slow' (first page never comes), 'manual'
// (nothing is sent: the script plays Go, with window.__jobs and window.__rows(resourceId, n)).
// paste is 'ok' (default: an address starting with the redirect URI signs in, any
// other is refused with retry) or 'pending' (CompletePaste never answers).
// window.__emit(name, payload) fires a Go event from the test script.
// window.__cspViolations collects Content-Security-Policy violations.
// App binds exactly the methods Go binds: src/test/fakeWails.test.ts checks it against the
// bindings generated from Go.

// eslint-disable-next-line no-unused-vars
function installFakeWails(scenario) {
  window.__cspViolations = []
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`)
  })

  const state = structuredClone(scenario.state)
  state.keychain ??= { problem: '', sessionOnly: false }
  for (const p of state.profiles) p.missingScopes ??= []
  const handlers = {}
  const find = (id) => state.profiles.find((p) => p.id === id)
  const later = (v, ms = 150) => new Promise((r) => setTimeout(() => r(v), ms))

  window.__emit = (name, payload) => (handlers[name] || []).forEach((cb) => cb(payload))

  const browse = { size: 10000, mode: 'live', pageSize: 100, stopAllAt: 0, asOfMinutes: 185, ...scenario.browse }
  let jobs = 0
  const cancelled = new Set()
  const resources = (profile) => {
    const signedIn = profile?.signedIn && !profile.tokenInvalid
    const granted = new Set(profile?.grantedScopes ?? [])
    // Go's own words (app_resources.go, internal/explain).
    const token = (scope) =>
      !signedIn ? { available: false, reason: 'Sign in to see this: Zapier shows it only to a signed-in account.' }
      : scope && !granted.has(scope) ? { available: false, reason: `This needs the "${scope}" scope, which this sign-in did not grant. Add the scope to the profile and sign in again.` }
      : { available: true, reason: '' }
    const col = (...pairs) => pairs.map(([key, title]) => ({ key, title }))
    const zapCols = col(['title', 'Title'], ['state', 'State'], ['apps', 'Apps'], ['modified', 'Modified'])
    return [
      { id: 'v1-zaps', title: 'Zaps', path: '/v1/zaps', auth: 'token', scope: 'zap', needsParams: [], ...token('zap'), columns: zapCols },
      { id: 'v1-zap-templates', title: 'Zap templates', path: '/v1/zap-templates', auth: 'client_id', scope: '', needsParams: [], available: true, reason: '', columns: col(['title', 'Title'], ['apps', 'Apps'], ['status', 'Status']) },
      { id: 'v1-apps', title: 'Apps', path: '/v1/apps', auth: 'client_id', scope: '', needsParams: [], available: true, reason: '', columns: col(['title', 'Title'], ['category', 'Category']) },
      { id: 'v1-categories', title: 'Categories', path: '/v1/categories', auth: 'none', scope: '', needsParams: [], available: true, reason: '', columns: col(['title', 'Title'], ['slug', 'Slug']) },
      { id: 'v1-profile', title: 'My profile', path: '/v1/profiles/me', auth: 'token', scope: 'profile', needsParams: [], ...token('profile'), columns: col(['name', 'Name'], ['email', 'Email'], ['timezone', 'Time zone']) },
      { id: 'v2-zaps', title: 'Zaps (v2)', path: '/v2/zaps', auth: 'token', scope: 'zap', needsParams: [], ...token('zap'), columns: zapCols },
      { id: 'v2-apps', title: 'Apps (v2)', path: '/v2/apps', auth: 'either', scope: '', needsParams: [], available: true, reason: '', columns: col(['title', 'Title'], ['categories', 'Categories']) },
      { id: 'v2-actions', title: 'Actions', path: '/v2/actions', auth: 'either', scope: '', needsParams: ['app'], available: true, reason: '', columns: col(['title', 'Title'], ['type', 'Type'], ['key', 'Key']) },
      { id: 'v2-authentications', title: 'Authentications', path: '/v2/authentications', auth: 'token', scope: 'authentication', needsParams: ['app'], ...token('authentication'), columns: col(['title', 'Title'], ['app', 'App']) },
      { id: 'v2-zap-runs', title: 'Zap runs', path: '/v2/zap-runs', auth: 'token', scope: 'zap:runs', needsParams: [], ...token('zap:runs'), columns: col(['zap', 'Zap'], ['status', 'Status'], ['started', 'Started']) },
    ]
  }

  // Deterministic sample rows.
  const APPS = ['Slack', 'Gmail', 'Google Sheets', 'Trello', 'Asana', 'HubSpot', 'Notion', 'Jira', 'Airtable', 'Salesforce', 'Mailchimp', 'Typeform', 'Stripe', 'Shopify', 'Calendly', 'Zendesk']
  const VERBS = ['Send new', 'Copy new', 'Create cards for new', 'Post new', 'Add new', 'Log new', 'Notify the team about new', 'Save new']
  const THINGS = ['messages', 'form entries', 'deals', 'tickets', 'orders', 'contacts', 'events', 'rows', 'issues', 'subscribers']
  const CATS = ['Communication', 'Productivity', 'CRM', 'Marketing', 'Developer tools', 'Commerce', 'Support', 'Forms']
  const mix = (i) => {
    let x = Math.imul(i + 0x9e3779b9, 0x85ebca6b) >>> 0
    x ^= x >>> 13
    x = Math.imul(x, 0xc2b2ae35) >>> 0
    return (x ^ (x >>> 16)) >>> 0
  }
  const pick = (arr, i) => arr[mix(i) % arr.length]
  const base = Date.UTC(2025, 2, 4, 12, 0, 0)
  const rowFor = (resourceId, i) => {
    const a = pick(APPS, i * 7 + 3)
    const b = pick(APPS, i * 11 + 5)
    const b2 = b === a ? APPS[(APPS.indexOf(a) + 5) % APPS.length] : b
    if (resourceId.endsWith('zaps')) {
      const title = `${pick(VERBS, i)} ${a} ${pick(THINGS, i * 3)} to ${b2}`
      const state = pick(['on', 'on', 'on', 'off', 'draft'], i * 13)
      const modified = new Date(base - i * 2_340_000).toISOString()
      const id = 180_000_000 + i * 37
      return {
        id: String(id),
        cells: { title, state, apps: `${a}, ${b2}`, modified },
        url: `https://zapier.com/editor/${id}`,
        raw: { id, title, state, url: `https://zapier.com/editor/${id}`, modified_at: modified, steps: [{ type_of: 'read', app: { title: a } }, { type_of: 'write', app: { title: b2 } }] },
      }
    }
    if (resourceId === 'v1-apps' || resourceId === 'v2-apps') {
      const title = i < APPS.length ? APPS[i] : `${pick(APPS, i)} ${Math.floor(i / APPS.length) + 1}`
      const category = pick(CATS, i * 5)
      return { id: `app-${i}`, cells: { title, category, categories: category }, url: `https://zapier.com/apps/${title.toLowerCase().replace(/\W+/g, '-')}/integrations`, raw: { id: i, title, category } }
    }
    if (resourceId === 'v1-zap-templates') {
      const title = `${pick(VERBS, i + 2)} ${a} ${pick(THINGS, i)} to ${b2}`
      return { id: `tpl-${i}`, cells: { title, apps: `${a}, ${b2}`, status: pick(['published', 'published', 'draft'], i) }, url: `https://zapier.com/apps/${a.toLowerCase()}/integrations/${i}`, raw: { id: i, title, status: 'published' } }
    }
    if (resourceId === 'v1-categories') {
      const title = pick(CATS, i)
      return { id: `cat-${i}`, cells: { title, slug: title.toLowerCase().replace(/\W+/g, '-') }, url: '', raw: { id: i, title } }
    }
    return { id: `${resourceId}-${i}`, cells: { title: `Item ${i}`, name: 'Ada Lovelace', email: 'ada@acme.example', timezone: 'Europe/London' }, url: '', raw: { id: i } }
  }
  const sizeOf = (resourceId) =>
    resourceId.endsWith('zaps') ? browse.size : resourceId.endsWith('apps') ? 5000 : resourceId === 'v1-categories' ? 8 : resourceId === 'v1-profile' ? 1 : 240
  const pageOf = (resourceId, from, n) => Array.from({ length: n }, (_, k) => rowFor(resourceId, from + k))

  window.__jobs = []
  window.__rows = (resourceId, n) => pageOf(resourceId, 0, n)

  function run(jobId, profileId, resourceId, all) {
    window.__jobs.push({ jobId, profileId, resourceId, all })
    const total = sizeOf(resourceId)
    const send = (p) => window.__emit('resource:page', { jobId, profileId, resourceId, fromCache: false, asOf: null, ...p })
    if (browse.mode === 'slow' || browse.mode === 'manual') return
    // As Go does: the saved copy first, then the live pages or an error.
    if (browse.mode === 'offline' || browse.mode === 'cached') {
      const saved = Math.min(total, 2500)
      send({ rows: pageOf(resourceId, 0, saved), fetched: saved, total, done: false, hasMore: true, fromCache: true, asOf: new Date(Date.now() - browse.asOfMinutes * 60_000).toISOString() })
      if (browse.mode === 'cached') return
      window.__emit('resource:error', { jobId, kind: 'offline', message: '', scope: '' })
      return
    }
    if (browse.mode === 'token-invalid') {
      window.__emit('resource:error', { jobId, kind: 'token-invalid', message: 'Zapier answered 401.', scope: '' })
      return
    }
    if (browse.mode === 'server') {
      window.__emit('resource:error', { jobId, kind: 'server', message: 'Zapier answered 503 Service Unavailable.', scope: '' })
      return
    }
    let from = 0
    const step = () => {
      if (cancelled.has(jobId)) return
      const n = Math.min(browse.pageSize, total - from)
      from += n
      const done = !all || from >= total
      send({ rows: pageOf(resourceId, from - n, n), fetched: from, total: resourceId === 'v1-zap-templates' ? null : total, done, hasMore: from < total })
      if (done) return
      if (browse.stopAllAt && from >= browse.stopAllAt) {
        if (browse.mode === 'rate-limited') window.__emit('resource:wait', { jobId, seconds: 42, reason: 'Zapier allows 60 requests a minute.', kind: 'rate-limited' })
        return
      }
      setTimeout(step, 0)
    }
    setTimeout(step, 20)
  }
  window.runtime = {
    EventsOn(name, cb) {
      ;(handlers[name] = handlers[name] || []).push(cb)
      return () => {}
    },
  }
  const App = {
        GetState: () => later(structuredClone({ ...state, profiles: state.profiles.map(asGo) }), 30),
        AddSandboxProfile: () => later({ ...scenario.sandboxProfile }),
        AddProfile: () => Promise.reject('The redirect URI must match the one you registered with Zapier.'),
        SelectProfile: async (id) => {
          state.activeProfileId = id
        },
        SignIn: () =>
          scenario.signIn === 'pending'
            ? new Promise(() => {})
            : later({ ok: false, cancelled: false, message: 'You declined access on Zapier’s page.', profile: null }),
        SignInWithBrowser: () =>
          scenario.signIn === 'pending'
            ? new Promise(() => {})
            : later({ ok: false, cancelled: false, message: 'You declined access on the sign-in page, so nothing was saved. Sign in again when you are ready.', profile: null }),
        StartPaste: (id) =>
          later({ authorizeUrl: 'https://zapier.com/oauth/authorize/?response_type=token&client_id=AbCdEf1234567&state=q9', redirectUri: find(id).redirectUri }, 300),
        CompletePaste: (address) => {
          if (scenario.paste === 'pending') return new Promise(() => {})
          const p = state.profiles.find((q) => q.id === state.activeProfileId) ?? state.profiles[0]
          if (!address.startsWith(p.redirectUri)) {
            return later({ ok: false, cancelled: false, retry: true, profile: null, message: "That address is not the profile's registered redirect URI. Once Zapier has sent you there, copy the whole address from the browser's address bar." }, 400)
          }
          return later({ ok: true, cancelled: false, retry: false, message: 'Signed in.', profile: p }, 400)
        },
        CancelPaste: async () => {},
        UpdateProfile: (id, np) => {
          const p = find(id)
          Object.assign(p, { name: np.name, clientId: np.clientId, redirectUri: np.redirectUri, scopes: np.scopes.split(/\s+/).filter(Boolean) })
          return later(structuredClone(p))
        },
        RemoveProfile: (id) => {
          state.profiles = state.profiles.filter((p) => p.id !== id)
          return later(undefined)
        },
        RemoveAllData: () => {
          state.profiles = []
          return later(undefined, 400)
        },
        SignOutExpired: () => {
          let n = 0
          for (const p of state.profiles) {
            if (p.signedIn && (p.expired || Date.parse(p.expiresAt) <= Date.now())) {
              Object.assign(p, { signedIn: false, expired: false, identity: null, grantedScopes: [], missingScopes: [], obtainedAt: null, expiresAt: null, lastVerifiedAt: null })
              n++
            }
          }
          setTimeout(() => window.__emit('state:changed'), 200)
          return later(n, 200)
        },
        MaskedToken: () => later('zpk_…9f3a', 60),
        // Go shows the token in a native window and returns nothing to the page.
        ShowToken: () => later(undefined, 60),
        ExportProfile: (id) => later(`/home/ada/${find(id).name}.pdprofile`, 200),
        ImportProfileFile: () => later({ profile: null, pending: null }, 200),
        ConfirmImport: (id) => Promise.reject(`The profile file ${id} is no longer waiting. Import it again.`),
        CancelImport: async () => {},
        // Go keeps the secret in the keychain; the page is told only that one is stored.
        SetClientSecret: (id) => later({ ...find(id), clientSecretMissing: false }, 120),
        KeepTokensInMemory: () => {
          state.keychain = { problem: '', sessionOnly: true }
          setTimeout(() => window.__emit('state:changed'), 50)
          return later(undefined, 100)
        },
        CancelSignIn: async () => {},
        Verify: (id) => {
          const p = find(id)
          Object.assign(p, { lastVerifiedAt: new Date().toISOString(), lastVerifyOk: !p.tokenInvalid })
          return later(structuredClone(p), 500)
        },
        CopyToken: () => later(undefined),
        SignOut: (id) => later({ ...find(id), signedIn: false }),
        OpenURL: async () => {},
        ListResources: (id) => later(resources(find(id)), 20),
        FetchResource: async (profileId, resourceId, all) => {
          const jobId = `job-${++jobs}`
          run(jobId, profileId, resourceId, all)
          return jobId
        },
        CancelFetch: async (jobId) => {
          cancelled.add(jobId)
          setTimeout(() => window.__emit('resource:error', { jobId, kind: 'cancelled', message: '', scope: '' }), 10)
        },
        ReopenList: () => later(`job-${++jobs}`),
        ReleaseList: async () => {},
        RowJSON: () => later('{}', 20),
        RowsJSON: () => later('[]', 20),
        CopyRows: () => later(undefined, 20),
        FrontendReady: async () => {},
  }
  // Go binds four services (internal/desktop); backend.ts gathers their methods into one.
  window.go = { desktop: { Session: App, SignIn: App, Profiles: App, Browse: App } }
}

// asGo adds what Go's profile view decides (internal/desktop/view.go): the status, its
// words, and how "Sign in with my browser" works.
function asGo(p) {
  const expired = p.expired || (p.expiresAt && Date.parse(p.expiresAt) <= Date.now())
  const status = !p.signedIn ? 'signed-out' : p.tokenInvalid ? 'invalid' : expired ? 'expired' : 'signed-in'
  const labels = { 'signed-in': 'Signed in', expired: 'Expired', invalid: 'Token rejected', 'signed-out': 'Not signed in' }
  const loopback = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+(\/|$)/i.test(p.redirectUri || '')
  return { status, statusLabel: labels[status], browserMethod: loopback ? 'loopback' : 'paste', ...p }
}
