import type { ProfileView } from '../lib/api/types'

/** A signed-out profile with every field set; override what the test cares about. */
export function makeProfile(over: Partial<ProfileView> = {}): ProfileView {
  return {
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
    ...over,
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
