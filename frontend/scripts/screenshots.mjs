// Screenshots of the built UI (dist/) in headless Chromium, light and dark, against a
// fake Go side. Also fails if the page breaks its own Content-Security-Policy.
//
//   npm run build && node scripts/screenshots.mjs [outDir]     (default /tmp/partnerdesk-shots)
//
// Needs Debian's chromium at /usr/bin/chromium (or CHROMIUM=/path).

import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fakeGo, launchChromium, serveDist } from './harness.mjs'
import { sandboxProfile, scenes } from './scenes.mjs'

const outDir = process.argv[2] ?? '/tmp/partnerdesk-shots'
const { base, close } = await serveDist()

// SHOTS=browse limits the run to the scenes whose name contains it.
const shots = process.env.SHOTS ? scenes.filter((s) => s.name.includes(process.env.SHOTS)) : scenes

await mkdir(outDir, { recursive: true })
const browser = await launchChromium()

const problems = []
try {
  for (const colorScheme of ['light', 'dark']) {
    for (const shot of shots) {
      const context = await browser.newContext({
        viewport: shot.viewport ?? { width: 1000, height: 700 },
        colorScheme,
        deviceScaleFactor: 1,
      })
      await fakeGo(context, { ...shot.scenario, sandboxProfile })
      const page = await context.newPage()
      const errors = []
      page.on('pageerror', (e) => errors.push(String(e)))
      page.on('console', (m) => {
        // Browsers ignore frame-ancestors in a <meta> policy and say so; that is expected.
        if (m.type() === 'error' && !/frame-ancestors/.test(m.text())) errors.push(m.text())
      })
      await page.goto(base)
      await page.locator('#app > *').first().waitFor()
      await page.waitForTimeout(120)
      if (shot.act) await shot.act(page)
      await page.waitForTimeout(250)
      const file = join(outDir, `${shot.name}-${colorScheme}.png`)
      await page.screenshot({ path: file })
      // The window itself must never scroll (html and body hide their overflow, but focus can still move them).
      const scrolled = await page.evaluate(() =>
        [document.scrollingElement, ...document.querySelectorAll('body, #app, .shell, .side, main, .view, .browse-area')]
          .filter((e) => e && (e.scrollTop !== 0 || e.scrollLeft !== 0))
          .map((e) => `${e.tagName.toLowerCase()}.${e.className} scrolled to ${e.scrollLeft},${e.scrollTop}`),
      )
      if (scrolled.length) problems.push(`${shot.name}/${colorScheme}: ${scrolled.join('; ')}`)
      const csp = await page.evaluate(() => window.__cspViolations)
      if (csp.length) problems.push(`${shot.name}/${colorScheme}: CSP violations: ${csp.join('; ')}`)
      if (errors.length) problems.push(`${shot.name}/${colorScheme}: ${errors.join('; ')}`)
      console.log(file)
      await context.close()
    }
  }
} finally {
  await browser.close()
  close()
}

if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
