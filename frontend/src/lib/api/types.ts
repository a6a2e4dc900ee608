// Shapes of the values the Go side (app.go) sends and receives. They mirror the
// JSON tags of the Go structs; keep the two in step.

export type Identity = {
  id: string
  fullName: string
  email: string
}

export type ProfileView = {
  id: string
  name: string
  clientId: string
  redirectUri: string
  authorizeUrl: string
  apiBaseUrl: string
  scopes: string[]
  sandbox: boolean

  signedIn: boolean
  tokenInvalid: boolean
  expired: boolean

  identity: Identity | null
  grantedScopes: string[]

  /** RFC 3339 */
  obtainedAt: string | null
  /** RFC 3339 */
  expiresAt: string | null
  /** RFC 3339 */
  lastVerifiedAt: string | null
  lastVerifyOk: boolean
  lastVerifyNote: string
  /** Scopes the profile asks for that the token was not granted; [] when signed out. */
  missingScopes: string[]
  /** The hosts outside Zapier this profile sends the sign-in to, as Go judged them; [] when none. */
  untrustedHosts: HostUse[]
  /** Why Partnerdesk signed this profile out by itself (its client ID or addresses changed); "" when it did not. */
  signedOutReason: string
}

/** A host outside Zapier (zapier.com, api.zapier.com) and what a profile sends it. */
export type HostUse = {
  /** "HOST", or "HOST:PORT" when the port is not the scheme's default. */
  host: string
  /** What the host gets, in operator words: "the password page", "the token". */
  gets: string[]
}

/** A profile file that names hosts outside Zapier, waiting in Go for the operator's word. */
export type PendingImport = {
  /** The page answers with this id only (ConfirmImport, CancelImport), never with the profile. */
  id: string
  /** The file's name, without its folder. */
  file: string
  /** The profile's name. */
  name: string
  hosts: HostUse[]
}

/** ImportProfileFile: a profile added, or one waiting for the operator; neither when cancelled. */
export type ImportResult = {
  profile: ProfileView | null
  pending: PendingImport | null
}

export type AppState = {
  profiles: ProfileView[]
  activeProfileId: string
  /** A one-off message for the operator, "" when there is none. */
  notice: string
  version: string
  keychain: KeychainState
  /** Profile files waiting for the operator to trust the hosts they name; the page asks about the first. */
  pendingImports: PendingImport[]
}

/** Where tokens are kept. */
export type KeychainState = {
  /** Why the keychain cannot be used and how to fix it, in operator words; "" when it works. */
  problem: string
  /** Tokens are kept in memory until Partnerdesk quits (the operator chose so). */
  sessionOnly: boolean
}

export type NewProfile = {
  name: string
  clientId: string
  redirectUri: string
  /** Space separated. */
  scopes: string
  /** "" means Zapier's default. */
  authorizeUrl: string
  /** "" means Zapier's default. */
  apiBaseUrl: string
}

export type SignInOutcome = {
  ok: boolean
  cancelled: boolean
  message: string
  profile: ProfileView | null
}

/** StartPaste: the page the browser opened, and the address the operator will copy back. */
export type PasteStart = {
  authorizeUrl: string
  redirectUri: string
}

/** CompletePaste: a sign-in outcome; retry means the address was not the redirect URI and another may be pasted. */
export type PasteOutcome = SignInOutcome & {
  retry: boolean
}

export type SignInStage = 'opening' | 'waiting' | 'browser' | 'storing' | 'verifying' | 'keychain-slow' | 'done'

export type SignInProgress = {
  profileId: string
  stage: SignInStage
  message: string
}

// Browsing the Partner API. Go fetches; rows arrive as "resource:*" events.

/** How an endpoint authenticates: the signed-in token, the profile's client_id, either, or nothing. */
export type AuthKind = 'token' | 'client_id' | 'either' | 'none'

export type Column = {
  /** The key of the value in Row.cells. */
  key: string
  title: string
}

/** One browsable endpoint, and whether this profile can call it now. */
export type ResourceInfo = {
  id: string
  title: string
  /** The API path, such as "/v2/zaps". */
  path: string
  auth: AuthKind
  /** The scope the token needs, "" when none. */
  scope: string
  /** Query parameters the endpoint requires, such as ["app"]. */
  needsParams: string[]
  available: boolean
  /** Why it is not available, in operator words; "" when it is. */
  reason: string
  columns: Column[]
}

export type Row = {
  /** Unique within the resource. */
  id: string
  /** Display text per Column.key. RFC 3339 times are shown in local time by the UI. */
  cells: Record<string, string>
  /** The item's page on the web, "" when none. */
  url: string
  /** The item exactly as the API sent it. */
  raw: unknown
}

/** "resource:page": the next rows of a job (only the new ones), or a saved result. */
export type ResourcePage = {
  jobId: string
  resourceId: string
  profileId: string
  rows: Row[]
  /** Rows fetched by this job so far, these included. */
  fetched: number
  /** How many the API says there are; null when it does not say. */
  total: number | null
  /** The job has finished: no more pages follow. */
  done: boolean
  /** The API has more pages than this job fetched (so "Load all" would bring more). */
  hasMore: boolean
  /** The rows come from the saved copy on this computer, not from Zapier. */
  fromCache: boolean
  /** RFC 3339: when the saved copy was fetched; null for live rows. */
  asOf: string | null
}

/** "resource:wait": Go is waiting before it tries again (rate limited, or backing off). */
export type ResourceWait = {
  jobId: string
  seconds: number
  /** Go's words for why; best without the number of seconds, which the UI counts down. */
  reason: string
  /** rate-limited: Zapier said to wait (429); retry: a retry after a failure. Optional: rate-limited when absent. */
  kind: 'rate-limited' | 'retry'
}

export type ResourceErrorKind =
  | 'token-invalid'
  | 'missing-scope'
  | 'rate-limited'
  | 'offline'
  | 'server'
  | 'cancelled'
  | 'other'

/** "resource:error": the job ended without finishing. */
export type ResourceError = {
  jobId: string
  kind: ResourceErrorKind
  message: string
  /** For missing-scope: the scope to add. */
  scope: string
}

/** The methods app.go binds, exactly as Wails exposes them on window.go.main.App. */
export interface AppBindings {
  GetState(): Promise<AppState>
  AddSandboxProfile(): Promise<ProfileView>
  AddProfile(p: NewProfile): Promise<ProfileView>
  SelectProfile(id: string): Promise<void>
  SignIn(id: string, force: boolean): Promise<SignInOutcome>
  CancelSignIn(): Promise<void>
  Verify(id: string): Promise<ProfileView>
  CopyToken(id: string): Promise<void>
  SignOut(id: string): Promise<ProfileView>
  OpenURL(url: string): Promise<void>
  ListResources(profileId: string): Promise<ResourceInfo[]>
  /** Starts a job and returns its id; its rows arrive as "resource:page" events. */
  FetchResource(profileId: string, resourceId: string, all: boolean, params: Record<string, string>): Promise<string>
  CancelFetch(jobId: string): Promise<void>
  /** Go puts the text on the system clipboard. */
  CopyRow(json: string): Promise<void>

  // Profiles and tokens (app_profiles.go).
  UpdateProfile(id: string, p: NewProfile): Promise<ProfileView>
  RemoveProfile(id: string): Promise<void>
  RemoveAllData(): Promise<void>
  /** How many profiles were signed out. */
  SignOutExpired(): Promise<number>
  /** The token's first and last four characters. */
  MaskedToken(id: string): Promise<string>
  /** Shows the whole token in a native window, never to the page; returns when it is closed. */
  ShowToken(id: string): Promise<void>
  /** Opens a save dialog; "" when cancelled, else the path saved to. */
  ExportProfile(id: string): Promise<string>
  /** Opens an open dialog; null when cancelled. */
  ImportProfileFile(): Promise<ImportResult>
  /** Adds a waiting profile file: the operator trusts its hosts. */
  ConfirmImport(id: string): Promise<ProfileView>
  /** Forgets a waiting profile file; nothing is added. */
  CancelImport(id: string): Promise<void>
  KeepTokensInMemory(): Promise<void>

  // Signing in through the system browser (app.go).
  SignInWithBrowser(id: string, force: boolean): Promise<SignInOutcome>
  StartPaste(id: string, force: boolean): Promise<PasteStart>
  CompletePaste(address: string): Promise<PasteOutcome>
  CancelPaste(): Promise<void>
}

/** The part of the Wails runtime (window.runtime) that Partnerdesk uses. */
export interface WailsRuntime {
  /**
   * Wails calls callback with the values Go passed to runtime.EventsEmit. Some v2
   * releases return a function that removes the listener, some return nothing;
   * backend.ts does not rely on it.
   */
  EventsOn(eventName: string, callback: (...data: unknown[]) => void): (() => void) | void
}
