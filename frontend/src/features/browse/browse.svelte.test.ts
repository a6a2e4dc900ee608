import { describe, expect, it, vi } from 'vitest'
import { installFakeBackend } from '../../test/fakeBackend'
import { makeRows } from '../../test/fixtures'
import { browser } from './browse.svelte'

const ROWS = makeRows(300)

describe('browser', () => {
  it('keeps one load per profile and resource', () => {
    installFakeBackend()
    expect(browser.get('p1', 'v1-zaps')).toBe(browser.get('p1', 'v1-zaps'))
    expect(browser.get('p1', 'v1-zaps')).not.toBe(browser.get('p2', 'v1-zaps'))
  })

  it('keeps events that overtake the answer naming their job', async () => {
    const fake = installFakeBackend()
    let answer!: (id: string) => void
    fake.App.FetchResource.mockImplementation(() => new Promise<string>((r) => (answer = r)))
    const load = browser.get('p1', 'v1-zaps')
    const started = load.start(false)
    fake.emit('resource:page', { jobId: 'job-9', profileId: 'p1', resourceId: 'v1-zaps', rows: ROWS.slice(0, 100), fetched: 100, total: 300, done: true })
    expect(load.rows).toHaveLength(0)
    answer('job-9')
    await started
    expect(load.rows).toHaveLength(100)
    expect(load.phase).toBe('done')
  })

  it('ignores events of other jobs, and of jobs it replaced', async () => {
    const fake = installFakeBackend()
    const zaps = browser.get('p1', 'v1-zaps')
    const apps = browser.get('p1', 'v1-apps')
    await zaps.start(false)
    await apps.start(false)
    fake.sendPage({ jobId: 'job-1', rows: ROWS.slice(0, 10), done: true })
    fake.sendPage({ jobId: 'job-2', rows: ROWS.slice(10, 15), done: true })
    expect(zaps.rows.map((r) => r.id)).toEqual(ROWS.slice(0, 10).map((r) => r.id))
    expect(apps.rows).toHaveLength(5)

    await zaps.start(true) // job-3 replaces job-1
    fake.sendPage({ jobId: 'job-1', rows: ROWS.slice(200, 210) })
    fake.sendError('server') // for job-3, the latest
    expect(zaps.rows).toHaveLength(10)
    expect(zaps.problem?.kind).toBe('server')
  })

  it('replaces the rows with a new job’s first page, then appends', async () => {
    const fake = installFakeBackend()
    const load = browser.get('p1', 'v1-zaps')
    await load.start(false)
    fake.sendPage({ rows: ROWS.slice(0, 100), total: 300, done: true })
    await load.start(true)
    expect(load.rows).toHaveLength(100) // kept on screen until the new job's first page
    fake.sendPage({ rows: ROWS.slice(0, 100), total: 300 })
    fake.sendPage({ rows: ROWS.slice(100, 200), total: 300 })
    expect(load.rows).toHaveLength(200)
    expect(load.fetched).toBe(200)
    expect(load.complete).toBe(false)
    fake.sendPage({ rows: ROWS.slice(200, 300), total: 300, done: true })
    expect(load.rows).toHaveLength(300)
    expect(load.complete).toBe(true)

    // Reloading one page after everything was loaded: no longer complete.
    await load.start(false)
    fake.sendPage({ rows: ROWS.slice(0, 100), total: 300, done: true })
    expect(load.rows).toHaveLength(100)
    expect(load.complete).toBe(false)
  })

  it('swaps saved rows for live ones when Zapier answers after all', async () => {
    const fake = installFakeBackend()
    const load = browser.get('p1', 'v1-zaps')
    await load.start(true)
    fake.sendPage({ rows: ROWS.slice(0, 250), fromCache: true, asOf: '2025-03-04T10:00:00Z' })
    expect(load.fromCache).toBe(true)
    expect(load.asOf).toBe('2025-03-04T10:00:00Z')
    fake.sendPage({ rows: ROWS.slice(0, 100), total: 300 })
    expect(load.fromCache).toBe(false)
    expect(load.asOf).toBeNull()
    expect(load.rows).toHaveLength(100)
  })

  it('cancels a job that Go names only after Cancel was pressed', async () => {
    const fake = installFakeBackend()
    let answer!: (id: string) => void
    fake.App.FetchResource.mockImplementation(() => new Promise<string>((r) => (answer = r)))
    const load = browser.get('p1', 'v1-zaps')
    const started = load.start(true)
    await load.cancel()
    expect(load.phase).toBe('cancelled')
    expect(fake.App.CancelFetch).not.toHaveBeenCalled()
    answer('job-5')
    await started
    expect(fake.App.CancelFetch).toHaveBeenCalledWith('job-5')
    fake.emit('resource:page', { jobId: 'job-5', rows: ROWS.slice(0, 100), fetched: 100, total: 300, done: true })
    expect(load.rows).toHaveLength(0)
    expect(load.phase).toBe('cancelled')
  })

  it('clears a wait when the next page arrives', async () => {
    const fake = installFakeBackend()
    const load = browser.get('p1', 'v1-zaps')
    await load.start(true)
    fake.sendWait(30, 'Rate limited')
    expect(load.wait).toMatchObject({ seconds: 30, reason: 'Rate limited' })
    fake.sendPage({ rows: ROWS.slice(0, 100), total: 300 })
    expect(load.wait).toBeNull()
  })

  it('reads Go’s array rows under the page’s columns', async () => {
    const fake = installFakeBackend()
    const load = browser.get('p1', 'v1-zaps')
    await load.start(false)
    fake.emit('resource:page', {
      jobId: 'job-1',
      columns: ['title', 'state'],
      rows: [['7', 'https://zapier.com/editor/7', 'Zap 7', 'on'], ['8', '', 'Zap 8']],
      fetched: 2,
      total: 2,
      done: true,
    })
    expect(load.rows).toEqual([
      { id: '7', url: 'https://zapier.com/editor/7', cells: { title: 'Zap 7', state: 'on' } },
      { id: '8', url: '', cells: { title: 'Zap 8', state: '' } },
    ])
  })

  it('releases the list left, ignoring its late pages, and reopens it on return', async () => {
    const fake = installFakeBackend()
    const zaps = browser.get('p1', 'v1-zaps')
    const apps = browser.get('p1', 'v1-apps')
    browser.show(zaps)
    await zaps.start(true)
    fake.sendPage({ rows: ROWS.slice(0, 100), total: 300 })
    zaps.filter = 'slack'
    zaps.selectedId = ROWS[3].id

    browser.show(apps)
    expect(fake.App.ReleaseList).toHaveBeenCalledWith('p1', 'v1-zaps')
    expect(zaps.phase).toBe('released')
    expect(zaps.rows).toHaveLength(0)
    fake.sendPage({ jobId: 'job-1', rows: ROWS.slice(100, 200), total: 300 }) // sent before Go stopped
    expect(zaps.rows).toHaveLength(0)

    browser.show(zaps)
    expect(zaps.phase).toBe('loading')
    await vi.waitFor(() => expect(fake.App.ReopenList).toHaveBeenCalledWith('p1', 'v1-zaps', {}))
    await vi.waitFor(() => expect(zaps.jobId).toBe('job-2'))
    fake.sendPage({ rows: ROWS, total: 300, done: true, hasMore: false })
    expect(zaps.rows).toHaveLength(300)
    expect(zaps.complete).toBe(true)
    expect(zaps.phase).toBe('done')
    expect(zaps.filter).toBe('slack')
    expect(zaps.selectedId).toBe(ROWS[3].id)
    // Apps was never loaded: nothing to release.
    expect(fake.App.ReleaseList).toHaveBeenCalledTimes(1)
  })
})
