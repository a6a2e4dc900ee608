import type { ProfileStatus, ProfileView, ResourceInfo, Row } from '../lib/api/types'

/** A signed-out profile with every field set; override what the test cares about. */
export function makeProfile(over: Partial<ProfileView> = {}): ProfileView {
  const p: Omit<ProfileView, 'status' | 'statusLabel' | 'browserMethod'> = {
    id: 'p-acme',
    name: 'Acme production',
    clientId: 'AbCdEf123',
    redirectUri: 'https://acme.example/oauth/zapier',
    authorizeUrl: 'https://zapier.com/oauth/authorize/',
    apiBaseUrl: 'https://api.zapier.com',
    scopes: ['profile', 'zap'],
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
    untrustedHosts: [],
    signedOutReason: '',
    grant: 'implicit',
    grantLabel: 'Without a client secret: sign in again when the token expires',
    tokenUrl: '',
    clientSecretMissing: false,
    renews: false,
    renewsAt: null,
    ...over,
  }
  // What Go's view decides (internal/desktop/view.go), played here as Go would.
  const status: ProfileStatus = !p.signedIn
    ? 'signed-out'
    : p.tokenInvalid
      ? 'invalid'
      : p.expired
        ? 'expired'
        : 'signed-in'
  const labels: Record<ProfileStatus, string> = {
    'signed-in': 'Signed in',
    expired: 'Expired',
    invalid: 'Token rejected',
    'signed-out': 'Not signed in',
  }
  const loopback = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+(\/|$)/i.test(p.redirectUri)
  return {
    ...p,
    status: over.status ?? status,
    statusLabel: over.statusLabel ?? labels[over.status ?? status],
    browserMethod: over.browserMethod ?? (loopback ? 'loopback' : 'paste'),
  }
}

/** A profile holding a live token obtained at `obtained`, valid for ten hours. */
export function signedInProfile(obtained: Date, over: Partial<ProfileView> = {}): ProfileView {
  return makeProfile({
    signedIn: true,
    identity: { id: '42', fullName: 'Ada Lovelace', email: 'ada@acme.example' },
    grantedScopes: ['profile', 'zap'],
    obtainedAt: obtained.toISOString(),
    expiresAt: new Date(obtained.getTime() + 10 * 3_600_000).toISOString(),
    lastVerifiedAt: obtained.toISOString(),
    lastVerifyOk: true,
    lastVerifyNote: '',
    ...over,
  })
}

/** A resource anyone signed in can load, with the Zaps columns; override the rest. */
export function makeResource(over: Partial<ResourceInfo> = {}): ResourceInfo {
  return {
    id: 'v1-zaps',
    title: 'Zaps',
    path: '/v1/zaps',
    auth: 'token',
    scope: 'zap',
    needsParams: [],
    available: true,
    reason: '',
    columns: [
      { key: 'title', title: 'Title' },
      { key: 'state', title: 'State' },
      { key: 'apps', title: 'Apps' },
      { key: 'modified', title: 'Modified' },
    ],
    ...over,
  }
}

/** What a signed-in profile with the profile and zap scopes might be offered. */
export function makeResources(): ResourceInfo[] {
  return [
    makeResource(),
    makeResource({
      id: 'v1-apps',
      title: 'Apps',
      path: '/v1/apps',
      auth: 'client_id',
      scope: '',
      columns: [
        { key: 'title', title: 'Title' },
        { key: 'category', title: 'Category' },
      ],
    }),
    makeResource({
      id: 'v2-actions',
      title: 'Actions',
      path: '/v2/actions',
      auth: 'either',
      scope: 'zap',
      needsParams: ['app'],
      columns: [
        { key: 'title', title: 'Title' },
        { key: 'type', title: 'Type' },
      ],
    }),
    makeResource({
      id: 'v2-zap-runs',
      title: 'Zap runs',
      path: '/v2/zap-runs',
      scope: 'zap:runs',
      available: false,
      reason: 'Needs the zap:runs scope',
      columns: [
        { key: 'zap', title: 'Zap' },
        { key: 'status', title: 'Status' },
      ],
    }),
    makeResource({
      id: 'v1-categories',
      title: 'Categories',
      path: '/v1/categories',
      auth: 'none',
      scope: '',
      columns: [{ key: 'title', title: 'Title' }],
    }),
  ]
}

const APPS = ['Slack', 'Gmail', 'Trello', 'Asana', 'HubSpot', 'Notion', 'Jira', 'Airtable']
const STATES = ['on', 'off', 'draft']

/** A row as the page holds it, with the item Go would keep for it (the fake Go side answers RowJSON with it). */
export type FixtureRow = Row & { raw: unknown }

/** n Zap rows, numbered from `from`: "Zap 1: Slack to Gmail", state on/off/draft… */
export function makeRows(n: number, from = 1): FixtureRow[] {
  const rows: FixtureRow[] = []
  for (let i = from; i < from + n; i++) {
    const a = APPS[i % APPS.length]
    const b = APPS[(i * 3 + 1) % APPS.length]
    const title = `Zap ${i}: ${a} to ${b}`
    const state = STATES[i % STATES.length]
    const modified = new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString()
    rows.push({
      id: String(i),
      cells: { title, state, apps: `${a}, ${b}`, modified },
      url: `https://zapier.com/editor/${i}`,
      raw: { id: i, title, state, steps: [{ app: a }, { app: b }], modified_at: modified },
    })
  }
  return rows
}
