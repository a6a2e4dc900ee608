// The Partner API scopes Partnerdesk knows about, with what each one lets the app do.

export type KnownScope = { name: string; allows: string }

export const KNOWN_SCOPES: readonly KnownScope[] = [
  { name: 'profile', allows: 'See the name and email address of the person who signs in.' },
  { name: 'zap', allows: 'See the Zaps that use your app.' },
  { name: 'zap:all', allows: "See all of the person's Zaps, not only those that use your app." },
  { name: 'zap:runs', allows: 'See the run history of Zaps: when they ran and whether they worked.' },
  { name: 'authentication', allows: 'See the accounts the person has connected to your app in Zapier.' },
]

/** Splits scopes typed by the operator (spaces or commas) into a list without repeats. */
export function splitScopes(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((s) => s !== ''))]
}

/** The space-separated form Go and Zapier expect, keeping the order given. */
export function joinScopes(...groups: string[][]): string {
  return [...new Set(groups.flat())].join(' ')
}
