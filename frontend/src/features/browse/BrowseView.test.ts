import { act, render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import App from '../../App.svelte'
import { installFakeBackend } from '../../test/fakeBackend'
import { makeProfile, makeRows, signedInProfile } from '../../test/fixtures'
import BrowseView from './BrowseView.svelte'
import { filterRows } from './resources'

const acme = signedInProfile(new Date(), { id: 'p-acme', name: 'Acme production' })

describe('BrowseView', () => {
  it('lists each resource with the auth it needs and whether it can be called now', async () => {
    const fake = installFakeBackend()
    render(BrowseView, { profile: acme })
    const nav = await screen.findByRole('navigation', { name: 'Resources' })
    expect(fake.App.ListResources).toHaveBeenCalledWith('p-acme')
    const entry = (name: RegExp) => within(nav).getByRole('button', { name })
    expect(entry(/^Zaps/)).toHaveTextContent(/Zaps\s*Your sign-in\s*Ready/)
    expect(entry(/^Apps/)).toHaveTextContent('App client ID')
    expect(entry(/^Actions/)).toHaveTextContent('Either')
    expect(entry(/^Categories/)).toHaveTextContent('Public')
    expect(entry(/^Zap runs/)).toHaveTextContent('Needs the zap:runs scope')
    // The first available one opens, and loads.
    expect(entry(/^Zaps/)).toHaveAttribute('aria-current', 'page')
    await vi.waitFor(() => expect(fake.App.FetchResource).toHaveBeenCalledWith('p-acme', 'v1-zaps', false, {}))
  })

  it('switches resource, releasing the rows of the first, and reopens it with its filter on return', async () => {
    const fake = installFakeBackend()
    render(BrowseView, { profile: acme })
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    const rows = makeRows(100)
    fake.sendPage({ rows, total: 10_000, done: true })
    await userEvent.type(await screen.findByRole('searchbox', { name: 'Filter loaded rows' }), 'slack')
    const nav = within(screen.getByRole('navigation', { name: 'Resources' }))
    await userEvent.click(nav.getByRole('button', { name: /^Apps/ }))
    expect(screen.getByRole('heading', { level: 2, name: 'Apps' })).toBeInTheDocument()
    expect(fake.App.FetchResource).toHaveBeenLastCalledWith('p-acme', 'v1-apps', false, {})
    // Go lets go of the Zaps' items: the page no longer shows them.
    expect(fake.App.ReleaseList).toHaveBeenCalledWith('p-acme', 'v1-zaps')
    await expect(fake.App.RowJSON('p-acme', 'v1-zaps', rows[0].id)).rejects.toMatch(/no longer loaded/)

    await userEvent.click(nav.getByRole('button', { name: /^Zaps/ }))
    expect(fake.App.ReleaseList).toHaveBeenLastCalledWith('p-acme', 'v1-apps')
    expect(fake.App.ReopenList).toHaveBeenCalledWith('p-acme', 'v1-zaps', {})
    expect(fake.App.FetchResource).toHaveBeenCalledTimes(2)
    await act(() => fake.sendPage({ rows, total: 10_000, done: true }))
    expect(screen.getByRole('searchbox', { name: 'Filter loaded rows' })).toHaveValue('slack')
    expect(screen.getByTestId('count')).toHaveTextContent(`${filterRows(rows, 'slack').length} of 100`)
  })

  it('moves through the list with the arrow keys', async () => {
    installFakeBackend()
    render(BrowseView, { profile: acme })
    const first = await screen.findByRole('button', { name: /^Zaps/ })
    first.focus()
    await userEvent.keyboard('{ArrowDown}')
    expect(screen.getByRole('button', { name: /^Apps/ })).toHaveFocus()
    await userEvent.keyboard('{Enter}')
    expect(screen.getByRole('heading', { level: 2, name: 'Apps' })).toBeInTheDocument()
  })

  it('finds a resource by typing its name, and goes to either end with Home and End', async () => {
    installFakeBackend()
    render(BrowseView, { profile: acme })
    const zaps = await screen.findByRole('button', { name: /^Zaps/ })
    const entry = (name: RegExp) => screen.getByRole('button', { name })
    // Letters typed within a moment of each other are one name; a pause starts anew.
    vi.useFakeTimers({ toFake: ['Date'] })
    const pause = () => vi.setSystemTime(Date.now() + 1000)
    try {
      zaps.focus()
      await userEvent.keyboard('c')
      expect(entry(/^Categories/)).toHaveFocus()
      pause()
      // The same letter again goes round those that start with it.
      await userEvent.keyboard('z')
      expect(entry(/^Zaps/)).toHaveFocus()
      pause()
      await userEvent.keyboard('z')
      expect(entry(/^Zap runs/)).toHaveFocus()
      pause()
      await userEvent.keyboard('ap')
      expect(entry(/^Apps/)).toHaveFocus()
      pause()
      await userEvent.keyboard('zap r')
      expect(entry(/^Zap runs/)).toHaveFocus()
      // The space was part of the name: nothing opened.
      expect(zaps).toHaveAttribute('aria-current', 'page')
      // No name starts so: the focus stays.
      await userEvent.keyboard('q')
      expect(entry(/^Zap runs/)).toHaveFocus()
    } finally {
      vi.useRealTimers()
    }
    await userEvent.keyboard('{Home}')
    expect(entry(/^Zaps/)).toHaveFocus()
    await userEvent.keyboard('{End}')
    expect(entry(/^Categories/)).toHaveFocus()
    await userEvent.keyboard('{Enter}')
    expect(screen.getByRole('heading', { level: 2, name: 'Categories' })).toBeInTheDocument()
    // Space opens too, when no name is being typed.
    await userEvent.keyboard('{Home} ')
    expect(screen.getByRole('heading', { level: 2, name: 'Zaps' })).toBeInTheDocument()
  })

  it('moves the focus between the list and the panel with F6', async () => {
    const fake = installFakeBackend()
    render(BrowseView, { profile: acme })
    const zaps = await screen.findByRole('button', { name: /^Zaps/ })
    expect(zaps).toHaveAttribute('aria-keyshortcuts', 'F6')
    expect(zaps).toHaveAttribute('title', expect.stringContaining('F6'))
    expect(screen.getByRole('button', { name: /^Apps/ })).not.toHaveAttribute('aria-keyshortcuts')

    // From nowhere in particular, F6 goes to the open resource.
    await userEvent.keyboard('{F6}')
    expect(zaps).toHaveFocus()
    // Before the first page, the panel's first control.
    await userEvent.keyboard('{F6}')
    expect(screen.getByRole('region', { name: 'Zaps' })).toContainElement(document.activeElement as HTMLElement)
    await userEvent.keyboard('{Shift>}{F6}{/Shift}')
    expect(zaps).toHaveFocus()

    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    fake.sendPage({ rows: makeRows(100), total: 10_000, done: true })
    await userEvent.keyboard('{F6}')
    expect(await screen.findByRole('grid', { name: 'Zaps' })).toHaveFocus()
    await userEvent.keyboard('{F6}')
    expect(zaps).toHaveFocus()

    // The whole way to another resource's Load all, by keys alone.
    await userEvent.keyboard('ap{Enter}')
    expect(screen.getByRole('heading', { level: 2, name: 'Apps' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: /^Apps/ })).toHaveAttribute('aria-keyshortcuts', 'F6')
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(2))
    fake.sendPage({ rows: makeRows(100), total: 5_000, done: true })
    await userEvent.keyboard('{Control>}l{/Control}')
    expect(fake.App.FetchResource).toHaveBeenLastCalledWith('p-acme', 'v1-apps', true, {})
  })

  it('says so when Go cannot list the resources, and retries', async () => {
    const fake = installFakeBackend()
    fake.App.ListResources.mockRejectedValueOnce('Partnerdesk could not read its settings.')
    render(BrowseView, { profile: acme })
    expect(await screen.findByRole('alert')).toHaveTextContent('Partnerdesk could not read its settings.')
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByRole('navigation', { name: 'Resources' })).toBeInTheDocument()
  })

  it('asks Go again when the sign-in changes', async () => {
    const fake = installFakeBackend()
    const { rerender } = render(BrowseView, { profile: makeProfile() })
    await screen.findByRole('navigation', { name: 'Resources' })
    expect(fake.App.ListResources).toHaveBeenCalledTimes(1)
    await rerender({ profile: acme })
    await vi.waitFor(() => expect(fake.App.ListResources).toHaveBeenCalledTimes(2))
  })
})

describe('App: Account and Browse', () => {
  it('switches views with the tabs, the arrow keys and Ctrl+1 / Ctrl+2', async () => {
    installFakeBackend({ profiles: [acme], activeProfileId: 'p-acme' })
    render(App)
    const account = await screen.findByRole('tab', { name: 'Account' })
    expect(account).toHaveAttribute('aria-selected', 'true')
    expect(screen.getByRole('heading', { level: 1, name: 'Acme production' })).toBeInTheDocument()

    await userEvent.click(screen.getByRole('tab', { name: 'Browse' }))
    expect(await screen.findByRole('navigation', { name: 'Resources' })).toBeInTheDocument()
    expect(screen.getByRole('tabpanel')).toHaveAccessibleName('Browse')

    screen.getByRole('tab', { name: 'Browse' }).focus()
    await userEvent.keyboard('{ArrowLeft}')
    expect(screen.getByRole('tab', { name: 'Account' })).toHaveFocus()
    expect(screen.getByRole('tab', { name: 'Account' })).toHaveAttribute('aria-selected', 'true')
    expect(screen.getByRole('heading', { level: 1, name: 'Acme production' })).toBeInTheDocument()

    await userEvent.keyboard('{Control>}2{/Control}')
    expect(await screen.findByRole('navigation', { name: 'Resources' })).toBeInTheDocument()
    await userEvent.keyboard('{Control>}1{/Control}')
    expect(screen.queryByRole('navigation', { name: 'Resources' })).toBeNull()
  })
})
