// Benchmark, not a test: how fast the built UI (dist/) paints and scrolls a table of
// 10,000 rows in headless Chromium, against the fake Go side. Prints the figures.
//
//   npm run bench:browser          (builds first)
//   node scripts/bench-table.mjs   (after npm run build)
//
// RUNS=15 ROWS=10000 by default. Needs Debian's chromium at /usr/bin/chromium (or
// CHROMIUM=/path).
//
// What is measured, each time in a fresh page with Browse › Zaps open and its first
// page requested:
//  - first paint: from the moment one "resource:page" event with all the rows is
//    handed to the app (the rows already parsed) until the frame showing the table is
//    painted (requestAnimationFrame, then a message: the task that follows the paint);
//    and, within it, the app's own work (until the DOM is updated and laid out), which
//    does not wait for the display's next frame;
//  - the JSON.parse of that event's payload, which Wails does before the app sees it,
//    reported apart;
//  - scrolling: frame intervals while the table is scrolled 1,200 px a frame;
//  - Load all: from a 100-row page arriving to its frame being painted, for pages 1 to
//    100 (the table growing from 100 to 10,000 rows).

import os from 'node:os'
import { fakeGo, launchChromium, serveDist } from './harness.mjs'

const RUNS = Number(process.env.RUNS ?? 15)
const ROWS = Number(process.env.ROWS ?? 10_000)
const WARMUP = 2

const profile = {
  id: 'p-bench',
  name: 'Bench',
  clientId: 'bench-client',
  redirectUri: 'https://bench.example/cb',
  authorizeUrl: 'https://zapier.com/oauth/authorize/',
  apiBaseUrl: 'https://api.zapier.com',
  scopes: ['profile', 'zap'],
  sandbox: false,
  signedIn: true,
  tokenInvalid: false,
  expired: false,
  identity: null,
  grantedScopes: ['profile', 'zap'],
  obtainedAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 36_000_000).toISOString(),
  lastVerifiedAt: null,
  lastVerifyOk: true,
  lastVerifyNote: '',
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))]
  return { median: at(0.5), p95: at(0.95), min: s[0], max: s.at(-1) }
}
const ms = (x) => `${x.toFixed(1)} ms`

const { base, close } = await serveDist()
const browser = await launchChromium()
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 })
  await fakeGo(context, {
    state: { profiles: [profile], activeProfileId: 'p-bench', notice: '', version: 'bench' },
    browse: { mode: 'manual' },
  })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))

  async function openZaps() {
    await page.goto(base)
    await page.getByRole('tab', { name: 'Browse' }).click()
    await page.waitForFunction(() => window.__jobs.length > 0)
  }

  // In the page: wait until the next frame has been painted.
  const FRAME = `() => new Promise((resolve) => requestAnimationFrame(() => {
    const c = new MessageChannel(); c.port1.onmessage = () => resolve(); c.port2.postMessage(0)
  }))`

  const paints = []
  const layouts = []
  const parses = []
  let inDom = 0
  for (let i = 0; i < WARMUP + RUNS; i++) {
    await openZaps()
    const r = await page.evaluate(
      async ({ n, frameSrc }) => {
        const frame = eval(frameSrc)
        const job = window.__jobs[0]
        const rows = window.__rows(job.resourceId, n)
        const text = JSON.stringify({ ...job, rows, fetched: n, total: n, done: true, fromCache: false, asOf: null })
        await frame()
        const t0 = performance.now()
        const payload = JSON.parse(text)
        const t1 = performance.now()
        window.__emit('resource:page', payload)
        // Svelte applies the change in a microtask; then force style and layout.
        await new Promise((r) => queueMicrotask(r))
        await new Promise((r) => queueMicrotask(r))
        document.querySelector('[role="grid"]')?.getBoundingClientRect()
        const tLayout = performance.now()
        await frame()
        const t2 = performance.now()
        return {
          parse: t1 - t0,
          layout: tLayout - t1,
          paint: t2 - t1,
          inDom: document.querySelectorAll('[role="grid"] [data-index]').length,
          count: document.querySelector('[data-testid="count"]')?.textContent?.trim(),
        }
      },
      { n: ROWS, frameSrc: FRAME },
    )
    if (r.count !== `${ROWS.toLocaleString('en-US')} rows`) throw new Error(`the table says “${r.count}”`)
    if (i >= WARMUP) {
      paints.push(r.paint)
      layouts.push(r.layout)
      parses.push(r.parse)
      inDom = r.inDom
    }
  }

  // Scrolling the last table down, 1,200 px (37 rows) a frame, 240 frames.
  const intervals = await page.evaluate(async () => {
    const grid = document.querySelector('[role="grid"]')
    const out = []
    let last = await new Promise((r) => requestAnimationFrame(r))
    for (let i = 0; i < 240; i++) {
      grid.scrollTop = (i + 1) * 1200
      const now = await new Promise((r) => requestAnimationFrame(r))
      out.push(now - last)
      last = now
    }
    return out
  })

  // Load all: 100 pages of 100 rows, each painted before the next arrives.
  await openZaps()
  const appends = await page.evaluate(
    async ({ n, frameSrc }) => {
      const frame = eval(frameSrc)
      const job = window.__jobs[0]
      const all = window.__rows(job.resourceId, n)
      const out = []
      for (let from = 0; from < n; from += 100) {
        const rows = all.slice(from, from + 100)
        await frame()
        const t0 = performance.now()
        window.__emit('resource:page', { ...job, rows, fetched: from + rows.length, total: n, done: from + 100 >= n, fromCache: false, asOf: null })
        await frame()
        out.push(performance.now() - t0)
      }
      return out
    },
    { n: ROWS, frameSrc: FRAME },
  )

  if (errors.length) throw new Error(errors.join('; '))

  const version = browser.version()
  const p = stats(paints)
  const j = stats(parses)
  const l = stats(layouts)
  const s = stats(intervals)
  const a = stats(appends)
  const slow = intervals.filter((x) => x > 20).length
  const n = ROWS.toLocaleString('en-US')
  console.log(`Partnerdesk table benchmark — headless Chromium ${version}, 1000×700, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'})`)
  console.log(`first paint of a ${n}-row table: median ${ms(p.median)}, p95 ${ms(p.p95)}, min ${ms(p.min)}, max ${ms(p.max)} (${RUNS} runs; ${inDom} rows in the DOM)`)
  console.log(`  of which the app's work (script, style, layout; no waiting for the frame): median ${ms(l.median)}, p95 ${ms(l.p95)}`)
  console.log(`  JSON.parse of that ${n}-row event (before the app sees it, not included): median ${ms(j.median)}`)
  console.log(`scrolling ${n} rows, ${intervals.length} frames of 1,200 px: frame interval median ${ms(s.median)}, p95 ${ms(s.p95)}, worst ${ms(s.max)}; ${slow} over 20 ms`)
  console.log(`Load all, 100-row pages up to ${n}: page to painted frame median ${ms(a.median)}, p95 ${ms(a.p95)}, worst ${ms(a.max)}`)
} finally {
  await browser.close()
  close()
}
