// Zapier's own addresses, which a profile uses unless it names others.

export const DEFAULT_AUTHORIZE_URL = 'https://zapier.com/oauth/authorize/'
export const DEFAULT_API_BASE_URL = 'https://api.zapier.com'
/** Where an app with a client secret (the code grant) trades its sign-in for tokens. */
export const DEFAULT_TOKEN_URL = 'https://zapier.com/oauth/token/'

/** Whether two addresses are the same, ignoring spaces around and slashes at the end. */
export const sameAddress = (a: string, b: string) => a.trim().replace(/\/+$/, '') === b.replace(/\/+$/, '')
