// Puts profiles in the profiles store as if Go's state had them, for a component
// test that does not go through GetState. The store is reset after each test (setup.ts).

import { profiles } from '../features/profiles/profiles.svelte'
import type { ProfileView } from '../lib/api/types'

export function seedProfiles(list: ProfileView[], selectedId = list[0]?.id ?? ''): void {
  profiles.app = {
    profiles: structuredClone(list),
    activeProfileId: selectedId,
    notice: '',
    version: '0.0.0-test',
    keychain: { problem: '', sessionOnly: false },
    pendingImports: [],
  }
  profiles.selectedId = selectedId
}
