// Shapes of the values the Go side (internal/desktop's services) sends and receives.
//
// The bound methods and the structs they take and return come from Go: `make frontend`
// runs `wails generate module`, which writes wailsjs/go/desktop/*.d.ts (one module per
// bound service: Session, SignIn, Profiles, Browse) and wailsjs/go/models.ts (the
// structs, by their JSON tags); `make test-bindings` fails when
// the committed copy differs from what Go generates now. The types below are those, with
// what backend.ts makes of them: Go's nil slices and pointers arrive as null, and the UI
// reads an absent value as null or [].
//
// The payloads of Go's events ("signin:progress", "resource:*") are not generated (Wails
// generates only what bound methods take and return); they are kept by hand further down,
// and events_test.go in the root package checks the event names.

import type * as GoBrowse from './wailsjs/go/desktop/Browse'
import type * as GoProfiles from './wailsjs/go/desktop/Profiles'
import type * as GoSession from './wailsjs/go/desktop/Session'
import type * as GoSignIn from './wailsjs/go/desktop/SignIn'
import type { desktop, profiles } from './wailsjs/go/models'

/** A generated model as a plain value: its fields, without the class's methods. */
export type Model<T> = T extends readonly (infer E)[]
  ? Model<E>[]
  : T extends object
    ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Model<T[K]> }
    : T

/** A generated model as Go sends it in JSON: a nil slice or pointer arrives as null. */
export type FromGo<T> = T extends readonly (infer E)[]
  ? FromGo<E>[] | null
  : T extends object
    ? {
        [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: undefined extends T[K]
          ? FromGo<Exclude<T[K], undefined>> | null
          : FromGo<T[K]>
      }
    : T

/** T with some of its fields' types replaced; a field that T no longer has is a type error here. */
type Replace<T, R extends { [K in keyof R]: K extends keyof T ? unknown : never }> = Omit<T, keyof R> & R

export type Identity = Model<desktop.Identity>

/** A host outside Zapier (zapier.com, api.zapier.com) and what a profile sends it: host is "HOST" or "HOST:PORT". */
export type HostUse = Model<profiles.HostUse>

/**
 * A profile as the page shows it. Times are RFC 3339, null when unknown; missingScopes are the
 * scopes the profile asks for that the token was not granted; untrustedHosts the hosts outside
 * Zapier it sends the sign-in to; signedOutReason why Partnerdesk signed it out by itself ("" when
 * it did not).
 */
export type ProfileView = Replace<
  Model<desktop.ProfileView>,
  {
    identity: Identity | null
    obtainedAt: string | null
    expiresAt: string | null
    lastVerifiedAt: string | null
    status: ProfileStatus
    browserMethod: BrowserSignInMethod
    grant: Grant
    renewsAt: string | null
  }
>

/**
 * How a profile's app hands out tokens (oauth.Grant): "code" for apps with a client secret
 * (approved since April 2024), which renew by themselves; "implicit" for the others.
 */
export type Grant = 'implicit' | 'code'

/** Go's word for a profile's sign-in (desktop.Status); statusLabel says it for the operator. */
export type ProfileStatus = 'signed-in' | 'expired' | 'invalid' | 'signed-out'

/** How "Sign in with my browser" gets the answer back: Go listens (loopback), or the operator pastes it. */
export type BrowserSignInMethod = 'loopback' | 'paste'

/** A profile file that names hosts outside Zapier, waiting in Go for the operator's word (answered by its id only). */
export type PendingImport = Model<desktop.PendingImport>

/** ImportProfileFile: a profile added, or one waiting for the operator; neither when cancelled. */
export type ImportResult = Replace<Model<desktop.ImportResult>, { profile: ProfileView | null; pending: PendingImport | null }>

/** notice is a one-off message for the operator, "" when there is none. */
export type AppState = Replace<Model<desktop.AppState>, { profiles: ProfileView[] }>

/** Where tokens are kept: problem says why the keychain cannot be used ("" when it works). */
export type KeychainState = Model<desktop.KeychainState>

/** scopes are space separated; an empty authorizeUrl or apiBaseUrl means Zapier's default. */
export type NewProfile = Model<profiles.Input>

export type SignInOutcome = Replace<Model<desktop.SignInOutcome>, { profile: ProfileView | null }>

/** StartPaste: the page the browser opened, and the address the operator will copy back. */
export type PasteStart = Model<desktop.PasteStart>

/** CompletePaste: a sign-in outcome; retry means the address was not the redirect URI and another may be pasted. */
export type PasteOutcome = Replace<Model<desktop.PasteOutcome>, { profile: ProfileView | null }>

export type SignInStage = 'opening' | 'waiting' | 'browser' | 'storing' | 'verifying' | 'keychain-slow' | 'done'

export type SignInProgress = {
  profileId: string
  stage: SignInStage
  message: string
}

// Browsing the Partner API. Go fetches; rows arrive as "resource:*" events.

/** How an endpoint authenticates: the signed-in token, the profile's client_id, either, or nothing. */
export type AuthKind = 'token' | 'client_id' | 'either' | 'none'

export type Column = Model<desktop.Column>

/** One browsable endpoint, and whether this profile can call it now (reason says why not, in operator words). */
export type ResourceInfo = Replace<Model<desktop.ResourceInfo>, { auth: AuthKind }>

export type Row = {
  /** Unique within the resource. */
  id: string
  /** Display text per Column.key. RFC 3339 times are shown in local time by the UI. */
  cells: Record<string, string>
  /** The item's page on the web, "" when none. */
  url: string
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

type ModelArgs<A extends unknown[]> = { [I in keyof A]: Model<A[I]> }

/** A generated service module's methods, with the values as JSON (FromGo). */
type Bindings<Module> = {
  [M in keyof Module]: Module[M] extends (...args: infer A) => Promise<infer R>
    ? (...args: ModelArgs<A>) => Promise<FromGo<R>>
    : never
}

export type SessionBindings = Bindings<typeof GoSession>
export type SignInBindings = Bindings<typeof GoSignIn>
export type ProfilesBindings = Bindings<typeof GoProfiles>
export type BrowseBindings = Bindings<typeof GoBrowse>

/** The services Go binds, as Wails exposes them on window.go.desktop. */
export type BoundServices = {
  Session: SessionBindings
  SignIn: SignInBindings
  Profiles: ProfilesBindings
  Browse: BrowseBindings
}

/**
 * Every bound method of every service, in one place (method names are unique across the
 * services): generated from Go. A method Go adds, drops or changes changes this type, and
 * the fake in src/test/fakeBackend.ts, which implements it, stops type-checking.
 */
export type AppBindings = SessionBindings & SignInBindings & ProfilesBindings & BrowseBindings

/** The part of the Wails runtime (window.runtime) that Partnerdesk uses. */
export interface WailsRuntime {
  /**
   * Wails calls callback with the values Go passed to runtime.EventsEmit. Some v2
   * releases return a function that removes the listener, some return nothing;
   * backend.ts does not rely on it.
   */
  EventsOn(eventName: string, callback: (...data: unknown[]) => void): (() => void) | void
}
