import { beforeEach, describe, expect, it } from 'vitest'
import { installFakeBackend, type FakeBackend } from '../../test/fakeBackend'
import { makeProfile } from '../../test/fixtures'
import { toasts } from '../../lib/ui/toasts.svelte'
import { profiles } from './profiles.svelte'

const acme = makeProfile()
const eu = makeProfile({ id: 'p-eu', name: 'Acme EU' })

let fake: FakeBackend
beforeEach(() => {
  fake = installFakeBackend({ profiles: [acme, eu], activeProfileId: 'p-eu' })
})

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('the profiles store', () => {
  it('loads Go’s state and selects the profile Go last had open', async () => {
    await profiles.load()
    expect(profiles.list.map((p) => p.id)).toEqual(['p-acme', 'p-eu'])
    expect(profiles.selected?.name).toBe('Acme EU')
  })

  it('keeps only the latest answer when an older GetState lands after it', async () => {
    const slow = deferred<Awaited<ReturnType<typeof fake.App.GetState>>>()
    const base = await fake.App.GetState()
    fake.App.GetState.mockReturnValueOnce(slow.promise)
    const first = profiles.load()
    const second = profiles.load()
    await second
    slow.resolve({ ...base, profiles: [acme] })
    await first
    expect(profiles.list.map((p) => p.id)).toEqual(['p-acme', 'p-eu'])
  })

  it('says why it could not start, and later why it could not refresh', async () => {
    fake.App.GetState.mockRejectedValueOnce('Partnerdesk could not read its settings.')
    await profiles.load()
    expect(profiles.loadError).toBe('Partnerdesk could not read its settings.')
    await profiles.load()
    fake.App.GetState.mockRejectedValueOnce('Partnerdesk could not read its settings.')
    await profiles.load()
    expect(profiles.refreshError).toBe('Partnerdesk could not read its settings.')
    expect(profiles.list).toHaveLength(2)
  })

  it('selects the first profile left after one is removed, and tells Go', async () => {
    await profiles.load()
    profiles.removed(eu)
    expect(profiles.selected?.id).toBe('p-acme')
    expect(fake.App.SelectProfile).toHaveBeenLastCalledWith('p-acme')
    expect(toasts.items.map((t) => t.message)).toEqual(['Profile “Acme EU” removed.'])
  })

  it('puts a fresh view in place of the old one', async () => {
    await profiles.load()
    profiles.replace({ ...acme, name: 'Acme live' })
    expect(profiles.list.map((p) => p.name)).toEqual(['Acme live', 'Acme EU'])
  })
})
