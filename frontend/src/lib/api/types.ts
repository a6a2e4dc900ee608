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
}

export type AppState = {
  profiles: ProfileView[]
  activeProfileId: string
  /** A one-off message for the operator, "" when there is none. */
  notice: string
  version: string
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

export type SignInStage = 'opening' | 'waiting' | 'storing' | 'verifying' | 'keychain-slow' | 'done'

export type SignInProgress = {
  profileId: string
  stage: SignInStage
  message: string
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
