// What has been loaded of each resource, per profile, for as long as the app runs.
// Go does the fetching and keeps the items as the API sent them; this starts and
// cancels its jobs, follows their "resource:*" events, and asks Go for the items'
// JSON (detail, JSON view, Copy) by row id.
//
// One list is shown at a time. Moving to another list releases the one left (its
// rows go, here and in Go; its filter, sort and selection stay) and coming back
// reopens it: Go shows again the rows this session loaded whole, from the copy saved
// on disk, or fetches the first page. Switching to Account and back keeps the rows.
//
// Each job starts from the first page. Its first page replaces the rows shown so far
// (so the table never empties while a reload runs); later pages are appended. Go may
// send the saved copy first (fromCache): live rows then replace it.

import { backend, errorMessage, onResourceError, onResourcePage, onResourceWait } from '../../lib/api/backend'
import type { ResourceError, ResourceErrorKind, ResourceInfo, ResourcePage, ResourceWait, Row } from '../../lib/api/types'
import type { Sort } from './resources'

/**
 * idle: nothing asked yet; loading: a job runs; done, failed, cancelled: how the last
 * one ended; released: the operator moved to another list and the rows went.
 */
export type LoadPhase = 'idle' | 'loading' | 'done' | 'failed' | 'cancelled' | 'released'

export type LoadProblem = { kind: ResourceErrorKind; message: string; scope: string }

export type LoadWait = {
  seconds: number
  reason: string
  kind: 'rate-limited' | 'retry'
  /** Date.now() when the wait ends. */
  until: number
}

export class ResourceLoad {
  readonly profileId: string
  readonly resourceId: string

  /** Every loaded row, in the API's order. Replaced, never mutated: 10,000 rows need no deep proxy. */
  rows = $state.raw<Row[]>([])
  total = $state<number | null>(null)
  /** Rows the running (or last) job has fetched. */
  fetched = $state(0)
  phase = $state<LoadPhase>('idle')
  /** The running or last job was "Load all". */
  all = $state(false)
  /** A "Load all" finished: every row is here. */
  complete = $state(false)
  fromCache = $state(false)
  /** RFC 3339, for saved rows. */
  asOf = $state<string | null>(null)
  wait = $state<LoadWait | null>(null)
  problem = $state<LoadProblem | null>(null)
  cancelling = $state(false)

  // What the operator set up for this resource; kept with the rows.
  params = $state<Record<string, string>>({})
  filter = $state('')
  sort = $state<Sort>(null)
  selectedId = $state<string | null>(null)
  detailOpen = $state(false)
  jsonView = $state(false)

  jobId = ''
  #replaceOnNextPage = false
  #cancelledJob = ''
  /** Cancel was pressed before Go named the job: cancel it as soon as it does. */
  #cancelOnAccept = false

  constructor(profileId: string, resourceId: string) {
    this.profileId = profileId
    this.resourceId = resourceId
  }

  get loading(): boolean {
    return this.phase === 'loading'
  }

  /** Starts a job (the first page, or every page with all). Resolves once Go has accepted it. */
  async start(all: boolean, params: Record<string, string> = this.params): Promise<void> {
    if (this.loading && this.jobId) await this.cancel()
    this.params = { ...params }
    this.#begin(all)
    await browser.run(this, all ? 'all' : 'first')
  }

  /** Shows a released list again (Browser.show): Go's saved rows of this session, or the first page. */
  async reopen(): Promise<void> {
    this.#begin(false)
    await browser.run(this, 'reopen')
  }

  #begin(all: boolean) {
    this.phase = 'loading'
    this.all = all
    this.fetched = 0
    this.wait = null
    this.problem = null
    this.cancelling = false
    this.jobId = ''
    this.#replaceOnNextPage = true
    this.#cancelOnAccept = false
  }

  /**
   * Lets go of the rows (the operator moved to another list): here, and in Go, which
   * also stops their fetch. The filter, sort, selection and views stay for reopen.
   */
  release(): void {
    if (this.phase === 'idle' || this.phase === 'released') return
    this.jobId = '' // late events of the job are ignored
    this.rows = []
    this.total = null
    this.fetched = 0
    this.phase = 'released'
    this.complete = false
    this.fromCache = false
    this.asOf = null
    this.wait = null
    this.problem = null
    this.cancelling = false
    this.#cancelOnAccept = false
    backend.releaseList(this.profileId, this.resourceId).catch(() => {
      // Go forgets the list when the next one is released or the app closes: nothing to tell.
    })
  }

  /** One row's item as the API sent it, indented JSON, from Go. */
  rowJSON(id: string): Promise<string> {
    return backend.rowJSON(this.profileId, this.resourceId, id)
  }

  /** The items of some rows as an indented JSON array, from Go. */
  rowsJSON(ids: string[]): Promise<string> {
    return backend.rowsJSON(this.profileId, this.resourceId, ids)
  }

  /** Go puts the items on the clipboard: one row as an object, several as an array. */
  copyRows(ids: string[], asArray: boolean): Promise<void> {
    return backend.copyRows(this.profileId, this.resourceId, ids, asArray)
  }

  /** Asks Go to stop the running job. The rows loaded so far stay. */
  async cancel(): Promise<void> {
    if (!this.loading || this.cancelling) return
    const job = this.jobId
    this.cancelling = true
    try {
      if (job) await backend.cancelFetch(job)
      else this.#cancelOnAccept = true
      if (this.jobId === job) this.#stopped(job)
    } catch (err) {
      if (this.jobId === job) this.problem = { kind: 'other', message: errorMessage(err), scope: '' }
    } finally {
      this.cancelling = false
    }
  }

  #stopped(job: string) {
    this.#cancelledJob = job
    this.phase = 'cancelled'
    this.wait = null
    this.problem = null
  }

  /** Go accepted the job. */
  accepted(jobId: string): void {
    if (this.phase === 'released') {
      // Released while Go was starting it: nobody shows its rows.
      backend.cancelFetch(jobId).catch(() => {})
      return
    }
    this.jobId = jobId
    if (this.#cancelOnAccept) {
      this.#cancelOnAccept = false
      this.#cancelledJob = jobId
      backend.cancelFetch(jobId).catch(() => {
        // The rows of a job nobody waits for are ignored anyway.
      })
    }
  }

  /** Go refused to start it. */
  refused(err: unknown): void {
    if (this.phase === 'released') return
    this.phase = 'failed'
    this.problem = { kind: 'other', message: errorMessage(err), scope: '' }
  }

  page(p: ResourcePage): void {
    if (p.jobId !== this.jobId || p.jobId === this.#cancelledJob) return
    if (this.#replaceOnNextPage || p.fromCache !== this.fromCache) {
      this.rows = p.rows
      this.complete = false
      this.#replaceOnNextPage = false
    } else if (p.rows.length > 0) {
      this.rows = this.rows.concat(p.rows)
    }
    this.fetched = Math.max(p.fetched, this.rows.length)
    this.total = p.total
    this.fromCache = p.fromCache
    this.asOf = p.fromCache ? p.asOf : null
    this.wait = null
    // Fresh rows from Zapier mean any earlier trouble is over; saved rows keep the reason shown.
    if (!p.fromCache) this.problem = null
    if (!p.fromCache && !p.hasMore && (p.done || this.all)) this.complete = true
    if (p.done) this.phase = this.problem ? 'failed' : 'done'
  }

  waiting(w: ResourceWait): void {
    if (w.jobId !== this.jobId || w.jobId === this.#cancelledJob || !this.loading) return
    this.wait = { seconds: w.seconds, reason: w.reason, kind: w.kind, until: Date.now() + w.seconds * 1000 }
  }

  failed(e: ResourceError): void {
    if (e.jobId !== this.jobId) return
    if (e.kind === 'cancelled' || e.jobId === this.#cancelledJob) {
      this.#stopped(e.jobId)
      return
    }
    this.problem = { kind: e.kind, message: e.message, scope: e.scope }
    this.wait = null
    this.phase = 'failed'
  }
}

type Pending = { kind: 'page'; p: ResourcePage } | { kind: 'wait'; w: ResourceWait } | { kind: 'error'; e: ResourceError }

/** Holds every ResourceLoad and routes Go's events to the job they belong to. */
class Browser {
  /** Per profile id: the resources Go last listed. */
  lists = $state<Record<string, ResourceInfo[]>>({})
  /** Per profile id: the resource the operator last opened. */
  chosen = $state<Record<string, string>>({})

  #loads = new Map<string, ResourceLoad>()
  #jobs = new Map<string, ResourceLoad>()
  #subscribed = false
  // Events can overtake the answer to FetchResource that names their job. While a
  // call is out, events for unknown jobs wait here, and are replayed once it answers.
  #calls = 0
  #early: Pending[] = []

  /** The load of one resource of one profile, made on first use. */
  get(profileId: string, resourceId: string): ResourceLoad {
    const key = `${profileId}\u0000${resourceId}`
    let load = this.#loads.get(key)
    if (!load) {
      load = new ResourceLoad(profileId, resourceId)
      this.#loads.set(key, load)
    }
    return load
  }

  #shown: ResourceLoad | null = null

  /**
   * The operator now sees this list: the one shown before is released, and this one,
   * if it was released, reopened.
   */
  show(load: ResourceLoad): void {
    if (this.#shown && this.#shown !== load) this.#shown.release()
    this.#shown = load
    if (load.phase === 'released') void load.reopen()
  }

  async run(load: ResourceLoad, how: 'first' | 'all' | 'reopen'): Promise<void> {
    this.#subscribe()
    this.#calls++
    try {
      const params = { ...load.params }
      const jobId =
        how === 'reopen'
          ? await backend.reopenList(load.profileId, load.resourceId, params)
          : await backend.fetchResource(load.profileId, load.resourceId, how === 'all', params)
      load.accepted(jobId)
      this.#jobs.set(jobId, load)
      const early = this.#early.filter((x) => this.#jobOf(x) === jobId)
      this.#early = this.#early.filter((x) => this.#jobOf(x) !== jobId)
      for (const x of early) this.#deliver(load, x)
    } catch (err) {
      load.refused(err)
    } finally {
      if (--this.#calls === 0) this.#early = []
    }
  }

  #jobOf(x: Pending): string {
    return x.kind === 'page' ? x.p.jobId : x.kind === 'wait' ? x.w.jobId : x.e.jobId
  }

  #deliver(load: ResourceLoad, x: Pending) {
    if (x.kind === 'page') load.page(x.p)
    else if (x.kind === 'wait') load.waiting(x.w)
    else load.failed(x.e)
  }

  #route(x: Pending) {
    const load = this.#jobs.get(this.#jobOf(x))
    if (load) this.#deliver(load, x)
    else if (this.#calls > 0 && this.#early.length < 10_000) this.#early.push(x)
  }

  #subscribe() {
    if (this.#subscribed) return
    this.#subscribed = true
    onResourcePage((p) => this.#route({ kind: 'page', p }))
    onResourceWait((w) => this.#route({ kind: 'wait', w }))
    onResourceError((e) => this.#route({ kind: 'error', e }))
  }

  /** Forgets everything. For tests, which install a fresh fake Go side each time. */
  reset(): void {
    this.lists = {}
    this.chosen = {}
    this.#loads.clear()
    this.#jobs.clear()
    this.#shown = null
    this.#early = []
    this.#calls = 0
    this.#subscribed = false
  }
}

export const browser = new Browser()
