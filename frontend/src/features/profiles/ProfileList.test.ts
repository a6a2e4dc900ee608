import { render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { tick } from 'svelte'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { makeProfile, signedInProfile } from '../../test/fixtures'
import { seedProfiles } from '../../test/seedProfiles'
import ProfileList from './ProfileList.svelte'
import { profiles as store } from './profiles.svelte'

const now = new Date()
const profiles = [
  signedInProfile(now, { id: 'a', name: 'Live' }),
  signedInProfile(now, { id: 'b', name: 'Old', expired: true }),
  signedInProfile(now, { id: 'c', name: 'Rejected', tokenInvalid: true }),
  makeProfile({ id: 'd', name: 'Fresh' }),
]

beforeEach(() => seedProfiles(profiles, 'a'))

describe('ProfileList', () => {
  it('gives each profile its status in words', () => {
    render(ProfileList, { onselect: vi.fn(), onadd: vi.fn() })
    expect(screen.getByRole('button', { name: 'Live Signed in' })).toHaveAttribute('aria-current', 'page')
    expect(screen.getByRole('button', { name: 'Old Expired' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Rejected Token rejected' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Fresh Not signed in' })).not.toHaveAttribute('aria-current')
  })

  it('moves with the arrow keys and opens with Enter', async () => {
    const onselect = vi.fn()
    render(ProfileList, { onselect, onadd: vi.fn() })
    const user = userEvent.setup()
    await user.tab()
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}')
    expect(onselect).toHaveBeenCalledWith('c')
    await user.keyboard('{ArrowUp}{Enter}')
    expect(onselect).toHaveBeenLastCalledWith('b')
  })

  it('offers to add a profile', async () => {
    const onadd = vi.fn()
    render(ProfileList, { onselect: vi.fn(), onadd })
    await userEvent.click(screen.getByRole('button', { name: 'Add profile' }))
    expect(onadd).toHaveBeenCalledOnce()
  })

  it('offers the token overview, saying how many tokens need attention', async () => {
    const onoverview = vi.fn()
    render(ProfileList, { onselect: vi.fn(), onadd: vi.fn(), onoverview })
    const all = screen.getByRole('button', { name: 'All tokens 2 need attention' })
    await userEvent.click(all)
    expect(onoverview).toHaveBeenCalledOnce()
  })

  it('marks the overview as the current page instead of a profile', () => {
    render(ProfileList, { overview: true, onselect: vi.fn(), onadd: vi.fn(), onoverview: vi.fn() })
    expect(screen.getByRole('button', { name: /^All tokens/ })).toHaveAttribute('aria-current', 'page')
    expect(screen.getByRole('button', { name: 'Live Signed in' })).not.toHaveAttribute('aria-current')
  })

  it('imports a profile file, showing the wait', async () => {
    const onimport = vi.fn()
    render(ProfileList, { onselect: vi.fn(), onadd: vi.fn(), onimport })
    await userEvent.click(screen.getByRole('button', { name: 'Import profile file…' }))
    expect(onimport).toHaveBeenCalledOnce()
    store.importing = true
    await tick()
    expect(screen.getByRole('button', { name: 'Choosing a file…' })).toBeDisabled()
  })
})
