import { act, render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { tick } from 'svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { installFakeBackend, type FakeBackend } from '../../test/fakeBackend'
import { makeResource, makeRows, signedInProfile } from '../../test/fixtures'
import { expectNothingTokenLike } from '../../test/tokenlike'
import type { ProfileView, ResourceInfo } from '../../lib/api/types'
import { formatAbsolute } from '../../lib/format'
import { filterRows } from './resources'
import { profiles } from '../profiles/profiles.svelte'
import ResourcePanel from './ResourcePanel.svelte'

const NOW = new Date('2025-03-04T13:00:00Z')
const zaps = makeResource()
const ROWS = makeRows(10_000)

let fake: FakeBackend

beforeEach(() => {
  fake = installFakeBackend()
})

afterEach(() => {
  vi.useRealTimers()
})

function open(info: ResourceInfo = zaps, profile: ProfileView = signedInProfile(NOW)) {
  return render(ResourcePanel, { profile, info })
}

/** Plays Go: the first page of 100 Zaps out of 10,000. */
async function firstPage(total: number | null = 10_000) {
  await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
  await act(() => fake.sendPage({ rows: ROWS.slice(0, 100), total, done: true }))
}

function dataRows(): HTMLElement[] {
  return within(screen.getByRole('grid'))
    .getAllByRole('row')
    .filter((r) => r.hasAttribute('data-index'))
}

describe('ResourcePanel: loading', () => {
  it('loads the first page by itself, with a placeholder until it comes', async () => {
    open()
    expect(screen.getByRole('heading', { level: 2, name: 'Zaps' })).toBeInTheDocument()
    expect(screen.getByText('Your sign-in')).toBeInTheDocument()
    expect(screen.getByTestId('loading')).toHaveTextContent('Loading the first page of Zaps…')
    await vi.waitFor(() => expect(fake.App.FetchResource).toHaveBeenCalledWith('p-acme', 'v1-zaps', false, {}))
    expect(screen.queryByRole('button', { name: /Load all/ })).toBeNull()

    await firstPage()
    expect(screen.queryByTestId('loading')).toBeNull()
    expect(dataRows()[0]).toHaveTextContent(ROWS[0].cells.title)
    expect(screen.getByTestId('count')).toHaveTextContent('100 of 10,000 loaded')
    expect(screen.getByRole('button', { name: 'Load all 10,000' })).toBeEnabled()
  })

  it('says so when Zapier has none', async () => {
    open()
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    await act(() => fake.sendPage({ rows: [], total: 0, done: true }))
    expect(screen.getByTestId('empty')).toHaveTextContent('No Zaps yet')
    expect(screen.getByTestId('empty')).toHaveTextContent('Zapier returned none for this account.')
  })

  it('loads all with a progress bar, and finishes with every row', async () => {
    open()
    await firstPage()
    await userEvent.click(screen.getByRole('button', { name: 'Load all 10,000' }))
    expect(fake.App.FetchResource).toHaveBeenLastCalledWith('p-acme', 'v1-zaps', true, {})

    await act(() => fake.sendPage({ rows: ROWS.slice(0, 100), total: 10_000 }))
    const bar = screen.getByRole('progressbar', { name: 'Loading all Zaps' })
    expect(bar).toHaveAttribute('aria-valuenow', '100')
    expect(bar).toHaveAttribute('aria-valuemax', '10000')
    expect(screen.getByTestId('progress')).toHaveTextContent('Loading all Zaps… 100 of 10,000')

    for (let from = 100; from < 10_000; from += 100) {
      fake.sendPage({ rows: ROWS.slice(from, from + 100), total: 10_000, done: from + 100 === 10_000 })
    }
    await tick()
    expect(screen.queryByRole('progressbar')).toBeNull()
    expect(screen.getByTestId('count')).toHaveTextContent('10,000 rows')
    expect(screen.queryByRole('button', { name: /Load all/ })).toBeNull()
    // Still only a window of them on the page.
    expect(dataRows().length).toBeLessThan(40)
  })

  it('cancels Load all, keeping what came, and ignores pages that arrive after', async () => {
    open()
    await firstPage()
    await userEvent.click(screen.getByRole('button', { name: 'Load all 10,000' }))
    await act(() => fake.sendPage({ rows: ROWS.slice(0, 2300), total: 10_000 }))
    expect(screen.getByTestId('progress')).toHaveTextContent('2,300 of 10,000')

    await userEvent.click(within(screen.getByTestId('progress')).getByRole('button', { name: 'Cancel' }))
    expect(fake.App.CancelFetch).toHaveBeenCalledWith('job-2')
    expect(screen.queryByRole('progressbar')).toBeNull()
    expect(screen.getByText('Loading stopped.')).toBeInTheDocument()
    expect(screen.getByText(/Showing the 2,300 rows loaded before you stopped it\./)).toBeInTheDocument()

    await act(() => fake.sendPage({ rows: ROWS.slice(2300, 2400), total: 10_000 }))
    await act(() => fake.sendError('cancelled'))
    expect(screen.getByTestId('count')).toHaveTextContent('2,300 of 10,000 loaded')
    expect(screen.getByRole('button', { name: 'Load all 10,000' })).toBeInTheDocument()
  })

  it('loads all with Ctrl+L, and stops with Escape', async () => {
    open()
    // Before the first page there is nothing to load all of: Ctrl+L waits for it.
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    await userEvent.keyboard('{Control>}l{/Control}')
    expect(fake.App.FetchResource).toHaveBeenCalledTimes(1)
    await act(() => fake.sendPage({ rows: ROWS.slice(0, 100), total: 10_000, done: true }))

    const button = screen.getByRole('button', { name: 'Load all 10,000' })
    expect(button).toHaveAttribute('aria-keyshortcuts', 'Control+L')
    expect(button).toHaveAttribute('title', expect.stringContaining('Ctrl+L'))
    await userEvent.keyboard('{Control>}l{/Control}')
    expect(fake.App.FetchResource).toHaveBeenLastCalledWith('p-acme', 'v1-zaps', true, {})
    await act(() => fake.sendPage({ rows: ROWS.slice(0, 500), total: 10_000 }))
    // A second Ctrl+L while it runs starts nothing.
    await userEvent.keyboard('{Control>}l{/Control}')
    expect(fake.App.FetchResource).toHaveBeenCalledTimes(2)

    const cancel = within(screen.getByTestId('progress')).getByRole('button', { name: 'Cancel' })
    expect(cancel).toHaveAttribute('aria-keyshortcuts', 'Escape')
    expect(cancel).toHaveAttribute('title', expect.stringContaining('Escape'))
    await userEvent.keyboard('{Escape}')
    expect(fake.App.CancelFetch).toHaveBeenCalledWith('job-2')
    expect(screen.getByText('Loading stopped.')).toBeInTheDocument()

    // Ctrl+L goes on from there; once every row is in, it does nothing.
    await userEvent.keyboard('{Control>}l{/Control}')
    expect(fake.App.FetchResource).toHaveBeenCalledTimes(3)
    await act(() => fake.sendPage({ rows: ROWS, total: 10_000, done: true }))
    await userEvent.keyboard('{Control>}l{/Control}{Escape}')
    expect(fake.App.FetchResource).toHaveBeenCalledTimes(3)
    expect(fake.App.CancelFetch).toHaveBeenCalledTimes(1)
  })

  it('lets Escape clear the filter, or close the detail, before it stops loading', async () => {
    open()
    await firstPage()
    await userEvent.keyboard('{Control>}l{/Control}')
    await act(() => fake.sendPage({ rows: ROWS.slice(0, 300), total: 10_000 }))

    await userEvent.keyboard('{Control>}f{/Control}Zap 2{Escape}')
    expect(screen.getByRole('searchbox', { name: 'Filter loaded rows' })).toHaveValue('')
    expect(fake.App.CancelFetch).not.toHaveBeenCalled()

    screen.getByRole('grid').focus()
    await userEvent.keyboard('{ArrowDown}{Enter}')
    expect(screen.getByRole('complementary')).toBeInTheDocument()
    await userEvent.keyboard('{Escape}')
    expect(screen.queryByRole('complementary')).toBeNull()
    expect(fake.App.CancelFetch).not.toHaveBeenCalled()
    expect(screen.getByTestId('progress')).toBeInTheDocument()

    await userEvent.keyboard('{Escape}')
    expect(fake.App.CancelFetch).toHaveBeenCalledWith('job-2')
  })

  it('stops the first page with Escape too', async () => {
    open()
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    const cancel = within(screen.getByTestId('loading')).getByRole('button', { name: 'Cancel' })
    expect(cancel).toHaveAttribute('aria-keyshortcuts', 'Escape')
    await userEvent.keyboard('{Escape}')
    expect(fake.App.CancelFetch).toHaveBeenCalledWith('job-1')
    expect(screen.getByText('Loading stopped.')).toBeInTheDocument()
  })

  it('shows Go’s own "cancelled" the same way', async () => {
    open()
    await firstPage()
    await userEvent.click(screen.getByRole('button', { name: 'Load all 10,000' }))
    await act(() => fake.sendError('cancelled'))
    expect(screen.getByText('Loading stopped.')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Load all again' })).toBeInTheDocument()
  })

  it('asks for the parameters an endpoint needs before loading', async () => {
    const actions = makeResource({ id: 'v2-actions', title: 'Actions', path: '/v2/actions', auth: 'either', needsParams: ['app'] })
    open(actions)
    expect(screen.getByText('Either')).toBeInTheDocument()
    expect(screen.getByText(/Actions are listed per app/)).toBeInTheDocument()
    const load = screen.getByRole('button', { name: 'Load' })
    expect(load).toBeDisabled()
    await tick()
    expect(fake.App.FetchResource).not.toHaveBeenCalled()

    await userEvent.type(screen.getByLabelText('App'), ' slack {Enter}')
    expect(fake.App.FetchResource).toHaveBeenCalledWith('p-acme', 'v2-actions', false, { app: 'slack' })
  })
})

describe('ResourcePanel: the filter', () => {
  it('filters the loaded rows across cells, ignoring case, and says "N of M"', async () => {
    open()
    await firstPage()
    const filter = screen.getByRole('searchbox', { name: 'Filter loaded rows' })
    await userEvent.type(filter, 'SLACK')
    const expected = filterRows(ROWS.slice(0, 100), 'slack')
    expect(expected.length).toBeGreaterThan(0)
    expect(expected.length).toBeLessThan(100)
    expect(screen.getByTestId('count')).toHaveTextContent(`${expected.length} of 100`)
    for (const row of dataRows()) expect(row.textContent?.toLowerCase()).toContain('slack')

    await userEvent.clear(filter)
    await userEvent.type(filter, 'no such zap')
    expect(screen.getByTestId('count')).toHaveTextContent('0 of 100')
    expect(screen.getByText('No loaded rows match “no such zap”.')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Clear the filter' }))
    expect(filter).toHaveValue('')
    expect(screen.getByTestId('count')).toHaveTextContent('100 of 10,000 loaded')
  })

  it('is reached with Ctrl+F, cleared with Escape, and hands over to the table with Down', async () => {
    open()
    await firstPage()
    await userEvent.keyboard('{Control>}f{/Control}')
    const filter = screen.getByRole('searchbox', { name: 'Filter loaded rows' })
    expect(filter).toHaveFocus()
    await userEvent.keyboard('gmail{Escape}')
    expect(filter).toHaveValue('')
    await userEvent.keyboard('{ArrowDown}')
    expect(screen.getByRole('grid')).toHaveFocus()
    expect(dataRows()[0]).toHaveAttribute('aria-selected', 'true')
  })
})

describe('ResourcePanel: a row', () => {
  it('opens in detail with Enter, follows the arrows, and copies as JSON through Go', async () => {
    open()
    await firstPage()
    screen.getByRole('grid').focus()
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{Enter}')
    const detail = screen.getByRole('complementary', { name: ROWS[1].cells.title })
    expect(within(detail).getByText('Apps')).toBeInTheDocument()
    // Go keeps the items: the detail asks for this one when it opens.
    await vi.waitFor(() => expect(within(detail).getByLabelText('Raw JSON')).toHaveTextContent(/"steps":/))
    expect(fake.App.RowJSON).toHaveBeenLastCalledWith('p-acme', 'v1-zaps', ROWS[1].id)
    expect(JSON.parse(within(detail).getByLabelText('Raw JSON').textContent ?? '')).toEqual(ROWS[1].raw)

    await userEvent.keyboard('{ArrowDown}')
    expect(screen.getByRole('complementary', { name: ROWS[2].cells.title })).toBeInTheDocument()

    await userEvent.click(screen.getByRole('button', { name: 'Copy as JSON' }))
    expect(fake.App.CopyRows).toHaveBeenCalledWith('p-acme', 'v1-zaps', [ROWS[2].id], false)

    await userEvent.click(screen.getByRole('button', { name: /Open in browser/ }))
    expect(fake.App.OpenURL).toHaveBeenCalledWith(ROWS[2].url)

    screen.getByRole('grid').focus()
    await userEvent.keyboard('{Control>}c{/Control}')
    expect(fake.App.CopyRows).toHaveBeenCalledTimes(2)

    await userEvent.keyboard('{Escape}')
    expect(screen.queryByRole('complementary')).toBeNull()
  })

  it('says so when the copy fails', async () => {
    open()
    await firstPage()
    fake.App.CopyRows.mockRejectedValue('The rows could not be put on the clipboard. Try again.')
    screen.getByRole('grid').focus()
    await userEvent.keyboard('{ArrowDown}{Enter}')
    await userEvent.click(screen.getByRole('button', { name: 'Copy as JSON' }))
    expect(await screen.findByText('The rows could not be put on the clipboard. Try again.')).toBeInTheDocument()
  })

  it('shows the raw JSON of the selected row or of all loaded rows', async () => {
    open()
    await firstPage()
    await userEvent.click(screen.getByRole('button', { name: 'JSON' }))
    const pre = screen.getByTestId('json')
    await vi.waitFor(() => expect(JSON.parse(pre.textContent ?? '')).toEqual(ROWS.slice(0, 100).map((r) => r.raw)))
    expect(screen.getByRole('button', { name: 'Selected row' })).toBeDisabled()

    await userEvent.click(screen.getByRole('button', { name: 'Table' }))
    screen.getByRole('grid').focus()
    await userEvent.keyboard('{ArrowDown}')
    await userEvent.click(screen.getByRole('button', { name: 'JSON' }))
    await userEvent.click(screen.getByRole('button', { name: 'Selected row' }))
    await vi.waitFor(() => expect(JSON.parse(screen.getByTestId('json').textContent ?? '')).toEqual(ROWS[0].raw))
    expect(screen.getByTestId('json').textContent).toBe(JSON.stringify(ROWS[0].raw, null, 2))

    await userEvent.click(screen.getByRole('button', { name: 'Copy' }))
    expect(fake.App.CopyRows).toHaveBeenCalledWith('p-acme', 'v1-zaps', [ROWS[0].id], false)

    await userEvent.click(screen.getByRole('button', { name: 'All 100 rows' }))
    await userEvent.click(screen.getByRole('button', { name: 'Copy' }))
    expect(fake.App.CopyRows).toHaveBeenLastCalledWith('p-acme', 'v1-zaps', ROWS.slice(0, 100).map((r) => r.id), true)
  })

  it('says so when Go no longer holds the rows it is asked for', async () => {
    open()
    await firstPage()
    await fake.App.ReleaseList('p-acme', 'v1-zaps')
    screen.getByRole('grid').focus()
    await userEvent.keyboard('{ArrowDown}{Enter}')
    const detail = screen.getByRole('complementary', { name: ROWS[0].cells.title })
    expect(await within(detail).findByText('These rows are no longer loaded. Load the list again, then try again.')).toBeInTheDocument()
  })
})

describe('ResourcePanel: when loading stops', () => {
  it('shows saved rows with their time when Zapier cannot be reached', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
    open()
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    const asOf = new Date(NOW.getTime() - 3 * 3_600_000)
    await act(() => fake.sendError('offline', 'dial tcp: no route to host'))
    await act(() =>
      fake.sendPage({ rows: ROWS.slice(0, 250), done: true, fromCache: true, asOf: asOf.toISOString() }),
    )
    expect(screen.getByTestId('cached')).toHaveTextContent(
      `Showing saved results as of ${formatAbsolute(asOf, NOW)} — Zapier could not be reached.`,
    )
    expect(dataRows()[0]).toHaveTextContent(ROWS[0].cells.title)
    expect(screen.getByTestId('count')).toHaveTextContent('250 rows')
    expect(screen.queryByRole('alert')).toBeNull()

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(fake.App.FetchResource).toHaveBeenCalledTimes(2)
    await act(() => fake.sendPage({ rows: ROWS.slice(0, 100), total: 10_000, done: true }))
    expect(screen.queryByTestId('cached')).toBeNull()
    expect(screen.getByTestId('count')).toHaveTextContent('100 of 10,000 loaded')
  })

  it('shows the saved rows while asking Zapier, as Go sends them first, then the live ones', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
    open()
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    const asOf = new Date(NOW.getTime() - 26 * 3_600_000)
    await act(() =>
      fake.sendPage({ rows: ROWS.slice(0, 2500), total: 10_000, hasMore: true, fromCache: true, asOf: asOf.toISOString() }),
    )
    expect(screen.getByTestId('cached')).toHaveTextContent(
      `Showing saved results as of ${formatAbsolute(asOf, NOW)} — asking Zapier for fresh ones…`,
    )
    expect(screen.getByTestId('count')).toHaveTextContent('2,500 of 10,000 loaded')

    await act(() => fake.sendPage({ rows: ROWS.slice(0, 100), total: 10_000, done: true }))
    expect(screen.queryByTestId('cached')).toBeNull()
    expect(screen.getByTestId('count')).toHaveTextContent('100 of 10,000 loaded')
  })

  it('says Zapier could not be reached after the saved rows (Go’s order)', async () => {
    open()
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    await act(() => fake.sendPage({ rows: ROWS.slice(0, 30), fromCache: true, asOf: '2025-03-04T10:00:00Z' }))
    await act(() => fake.sendError('offline', 'Partnerdesk could not reach Zapier.'))
    expect(screen.getByTestId('cached')).toHaveTextContent(/— Zapier could not be reached\.$/)
    expect(screen.getByTestId('count')).toHaveTextContent('30 rows')
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('says Zapier could not be reached when nothing was saved', async () => {
    open()
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    await act(() => fake.sendError('offline'))
    expect(screen.getByText('Zapier could not be reached.')).toBeInTheDocument()
    expect(screen.getByText(/Check the internet connection/)).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(fake.App.FetchResource).toHaveBeenCalledTimes(2)
  })

  it('offers to sign in again when Zapier rejects the token, then loads again', async () => {
    const replace = vi.spyOn(profiles, 'replace')
    open()
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    await act(() => fake.sendError('token-invalid', 'Zapier answered 401.'))
    expect(screen.getByRole('alert')).toHaveTextContent('Zapier no longer accepts this token.')

    const fresh = signedInProfile(NOW, { identity: { id: '1', fullName: 'Ada Lovelace', email: 'a@b' } })
    fake.App.SignIn.mockResolvedValue({ ok: true, cancelled: false, message: '', profile: fresh })
    await userEvent.click(screen.getByRole('button', { name: 'Sign in again' }))
    expect(fake.App.SignIn).toHaveBeenCalledWith('p-acme', true)
    await vi.waitFor(() => expect(fake.App.FetchResource).toHaveBeenCalledTimes(2))
    expect(replace).toHaveBeenCalledWith(fresh)
    expect(screen.queryByRole('alert')).toBeNull()
    expectNothingTokenLike()
  })

  it('loads again by itself when a new token arrives from elsewhere', async () => {
    const { rerender } = open()
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    await act(() => fake.sendError('token-invalid'))
    await rerender({ profile: { ...signedInProfile(NOW), tokenInvalid: true } })
    expect(fake.App.FetchResource).toHaveBeenCalledTimes(1)
    await rerender({ profile: signedInProfile(new Date(NOW.getTime() + 60_000)) })
    await vi.waitFor(() => expect(fake.App.FetchResource).toHaveBeenCalledTimes(2))
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('names a missing scope, and how to add it when the profile does not ask for it', async () => {
    const runs = makeResource({ id: 'v2-zap-runs', title: 'Zap runs', scope: 'zap:runs' })
    open(runs)
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    await act(() => fake.sendError('missing-scope', 'Zapier answered 403.', 'zap:runs'))
    const banner = screen.getByText('Loading Zap runs needs the “zap:runs” scope.').closest('[role]') as HTMLElement
    expect(banner).toHaveTextContent('Add “zap:runs” to the scopes this profile asks for, then sign in again')
    expect(within(banner).getByText('partnerdesk profile add "Acme production" --update --scope "profile zap zap:runs"')).toBeInTheDocument()
    await userEvent.click(within(banner).getByRole('button', { name: 'Sign in again' }))
    expect(fake.App.SignIn).toHaveBeenCalledWith('p-acme', true)
  })

  it('says only "sign in again" for a missing scope the profile already asks for', async () => {
    const runs = makeResource({ id: 'v2-zap-runs', title: 'Zap runs', scope: 'zap:runs' })
    open(runs, signedInProfile(NOW, { scopes: ['profile', 'zap', 'zap:runs'] }))
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    await act(() => fake.sendError('missing-scope', '', 'zap:runs'))
    expect(screen.getByText(/This profile asks for “zap:runs”, but Zapier did not grant it/)).toBeInTheDocument()
    expect(screen.queryByText(/partnerdesk profile add/)).toBeNull()
  })

  it('counts down live while Zapier asks to wait, and carries on after', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] })
    vi.setSystemTime(NOW)
    open()
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    await act(() => fake.sendWait(42, 'Zapier allows 60 requests a minute.'))
    const wait = screen.getByTestId('wait')
    expect(wait).toHaveTextContent('Zapier asked us to wait — retrying in 42 s')
    expect(wait).toHaveTextContent('Zapier allows 60 requests a minute.')

    await act(() => vi.advanceTimersByTime(5_000))
    expect(screen.getByTestId('wait')).toHaveTextContent('retrying in 37 s')
    await act(() => vi.advanceTimersByTime(40_000))
    expect(screen.getByTestId('wait')).toHaveTextContent('Zapier asked us to wait — retrying now…')

    await act(() => fake.sendPage({ rows: ROWS.slice(0, 100), total: 10_000, done: true }))
    expect(screen.queryByTestId('wait')).toBeNull()
  })

  it('says it is trying again when the wait follows a failure', async () => {
    open()
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    await act(() => fake.sendWait(4, 'Zapier answered 503; try 2 of 4.', 'retry'))
    expect(screen.getByTestId('wait')).toHaveTextContent('Zapier did not answer — retrying in 4 s')
  })

  it('says when Zapier gives up answering, or keeps refusing', async () => {
    open()
    await vi.waitFor(() => expect(fake.jobs).toHaveLength(1))
    await act(() => fake.sendError('server', 'Zapier answered 503.'))
    expect(screen.getByRole('alert')).toHaveTextContent('Zapier had a problem answering.')
    expect(screen.getByRole('alert')).toHaveTextContent('Zapier answered 503.')

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    await act(() => fake.sendError('rate-limited'))
    expect(screen.getByText('Zapier is limiting how often Partnerdesk may ask.')).toBeInTheDocument()
    await act(() => fake.sendError('other', 'The API address is not valid.'))
    expect(screen.getByRole('alert')).toHaveTextContent('Zaps could not be loaded.')
    expect(screen.getByRole('alert')).toHaveTextContent('The API address is not valid.')
  })

  it('shows Go’s words when it refuses to start', async () => {
    fake.App.FetchResource.mockRejectedValue('This profile was removed.')
    open()
    expect(await screen.findByRole('alert')).toHaveTextContent('Zaps could not be loaded.')
    expect(screen.getByRole('alert')).toHaveTextContent('This profile was removed.')
  })
})

describe('ResourcePanel: not available', () => {
  it('explains, offers sign-in when that is what is missing, and fetches nothing', async () => {
    const reason = 'Sign in to see this: Zapier shows it only to a signed-in account.'
    const info = makeResource({ available: false, reason })
    open(info, { ...signedInProfile(NOW), signedIn: false, status: 'signed-out' })
    expect(screen.getByTestId('unavailable')).toHaveTextContent(reason)
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(fake.App.SignIn).toHaveBeenCalledWith('p-acme', false)
    expect(fake.App.FetchResource).not.toHaveBeenCalled()
  })

  it('names the scope the token lacks', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
    const info = makeResource({ title: 'Zap runs', scope: 'zap:runs', available: false, reason: 'Needs the zap:runs scope' })
    open(info)
    expect(screen.getByTestId('unavailable')).toHaveTextContent('Needs the zap:runs scope')
    expect(screen.getByTestId('unavailable')).toHaveTextContent('To add “zap:runs” from a terminal:')
    expect(screen.getByText('partnerdesk profile add "Acme production" --update --scope "profile zap zap:runs"')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Sign in again' })).toBeInTheDocument()
  })
})
