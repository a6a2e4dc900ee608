// Injected before the page loads (Playwright addInitScript) to stand in for what Wails
// provides: window.go.main.App and window.runtime. For screenshots and browser checks
// only; never shipped. `scenario` is { state, signIn: 'pending' | 'ok' }.
// window.__emit(name, payload) fires a Go event from the test script.
// window.__cspViolations collects Content-Security-Policy violations.

// eslint-disable-next-line no-unused-vars
function installFakeWails(scenario) {
  window.__cspViolations = []
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`)
  })

  const state = structuredClone(scenario.state)
  const handlers = {}
  const find = (id) => state.profiles.find((p) => p.id === id)
  const later = (v, ms = 150) => new Promise((r) => setTimeout(() => r(v), ms))

  window.__emit = (name, payload) => (handlers[name] || []).forEach((cb) => cb(payload))
  window.runtime = {
    EventsOn(name, cb) {
      ;(handlers[name] = handlers[name] || []).push(cb)
      return () => {}
    },
  }
  window.go = {
    main: {
      App: {
        GetState: () => later(structuredClone(state), 30),
        AddSandboxProfile: () => later({ ...scenario.sandboxProfile }),
        AddProfile: () => Promise.reject('The redirect URI must match the one you registered with Zapier.'),
        SelectProfile: async (id) => {
          state.activeProfileId = id
        },
        SignIn: () =>
          scenario.signIn === 'pending'
            ? new Promise(() => {})
            : later({ ok: false, cancelled: false, message: 'You declined access on Zapier’s page.', profile: null }),
        CancelSignIn: async () => {},
        Verify: (id) => later(find(id)),
        CopyToken: () => later(undefined),
        SignOut: (id) => later({ ...find(id), signedIn: false }),
        OpenURL: async () => {},
      },
    },
  }
}
