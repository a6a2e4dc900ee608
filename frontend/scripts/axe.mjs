// axe-core over the built UI (dist/) in headless Chromium, against the fake Go side
// (fake-wails.js): every scene of scenes.mjs (welcome, signed in, all tokens, browse,
// the profile form, the dialogs, …), light and dark. Fails on any serious or critical
// violation (contrast, names, ARIA); prints the lesser ones.
//
//   npm run build && node scripts/axe.mjs        (npm run axe; make test-axe)
//
// Needs Debian's chromium at /usr/bin/chromium (or CHROMIUM=/path). SCENES=browse limits
// the run to the scenes whose name holds that word.

import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { fakeGo, launchChromium, serveDist } from './harness.mjs'
import { sandboxProfile, scenes } from './scenes.mjs'

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const chosen = process.env.SCENES ? scenes.filter((s) => s.name.includes(process.env.SCENES)) : scenes
if (chosen.length === 0) throw new Error(`no scene matches SCENES=${process.env.SCENES}`)

const { base, close } = await serveDist()
const browser = await launchChromium()
const failures = []
const counts = []
// Each scene is set up once, then checked in light and in dark (the page follows
// prefers-color-scheme, as under WebKitGTK with a dark GTK theme).
async function check(page, where) {
  // Let transitions (dialogs, toasts, the theme's colours) finish: axe reads the colours as
  // they are now. Spinners run forever and are not waited for.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => {})),
    ),
  )
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
  )
  if (result.passes.length === 0) failures.push(`${where}: axe-core checked nothing`)
  let serious = 0
  for (const v of result.violations) {
    const bad = v.impact === 'serious' || v.impact === 'critical'
    if (bad) serious++
    const lines = v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`)
    const text = `${where}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'})\n${lines.join('\n')}`
    if (bad) failures.push(text)
    else console.log(text)
  }
  counts.push(`${where}: ${serious} serious or critical, ${result.violations.length - serious} lesser`)
}

try {
  for (const scene of chosen) {
    const context = await browser.newContext({ viewport: scene.viewport ?? { width: 1000, height: 700 }, colorScheme: 'light' })
    await fakeGo(context, { ...scene.scenario, sandboxProfile })
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    try {
      await page.goto(base)
      await page.locator('#app > *').first().waitFor()
      if (scene.act) await scene.act(page)
    } catch (err) {
      failures.push(`${scene.name}: the scene could not be reached: ${String(err).split('\n')[0]}`)
      await context.close()
      continue
    }
    // Evaluated through the browser's debugging protocol, which the page's CSP does not govern.
    await page.evaluate(axeSource)
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme })
      await check(page, `${scene.name} (${colorScheme})`)
    }
    await context.close()
  }
} finally {
  await browser.close()
  close()
}

console.log(counts.join('\n'))
if (failures.length) {
  console.error(`\naxe-core found serious or critical violations:\n${failures.join('\n')}`)
  process.exit(1)
}
console.log(`axe-core: 0 serious or critical violations in ${chosen.length} scenes, light and dark.`)
