// What has been loaded of each resource, per profile, for as long as the app runs:
// switching to Account and back, or to another resource, keeps the rows, the filter
// and the selection. Go does the fetching; this starts and cancels its jobs and
// follows their "resource:*" events.
//
// Each job starts from the first page. Its first page replaces the rows shown so far
// (so the table never empties while a reload runs); later pages are appended. Go may
// send the saved copy first (fromCache): live rows then replace it.

import { backend, errorMessage, onResourceError, onResourcePage, onResourceWait } from '../../lib/api/backend'
import type { ResourceError, ResourceErrorKind, ResourceInfo, ResourcePage, ResourceWait, Row } from '../../lib/api/types'
import type { Sort } from './resources'

/** idle: nothing asked yet; loading: a job runs; done, failed, cancelled: how the last one ended. */
export type LoadPhase = 'idle' | 'loading' | 'done' | 'failed' | 'cancelled'

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
    this.phase = 'loading'
    this.all = all
    this.fetched = 0
    this.wait = null
    this.problem = null
    this.cancelling = false
    this.jobId = ''
    this.#replaceOnNextPage = true
    this.#cancelOnAccept = false
    await browser.run(this, all)
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

  async run(load: ResourceLoad, all: boolean): Promise<void> {
    this.#subscribe()
    this.#calls++
    try {
      const jobId = await backend.fetchResource(load.profileId, load.resourceId, all, { ...load.params })
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
    this.#early = []
    this.#calls = 0
    this.#subscribed = false
  }
}

export const browser = new Browser()
