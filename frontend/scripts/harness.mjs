// Shared by screenshots.mjs and bench-table.mjs: serve the built UI (dist/) on
// loopback, launch Debian's headless Chromium, and open a page with the fake Go side
// (fake-wails.js) installed before the app's own scripts run.

import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = fileURLToPath(new URL('.', import.meta.url))
const dist = join(here, '..', 'dist')
const fakeSource = await readFile(join(here, 'fake-wails.js'), 'utf8')

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' }

/** Serves dist/ on 127.0.0.1; resolves with its base URL and a close function. */
export async function serveDist() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(dist, path === '/' ? 'index.html' : path)
    try {
      const body = await readFile(file)
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      res.end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return { base: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() }
}

/** Headless Chromium: /usr/bin/chromium, or $CHROMIUM. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

/** Installs the fake Go side with `scenario` on every page of the context, before the app loads. */
export async function fakeGo(context, scenario) {
  await context.addInitScript(`${fakeSource}\ninstallFakeWails(${JSON.stringify(scenario)})`)
}
