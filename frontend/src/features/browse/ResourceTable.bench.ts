// Benchmarks, not tests: `npm run bench` (vitest bench, jsdom). jsdom has no layout or
// paint, so this measures the script side only: Svelte building the table's DOM for
// 10,000 rows (of which only a window is rendered), and the filter and sort over them.
// For the painted figure, in Chromium, see scripts/bench-table.mjs.

import { render } from '@testing-library/svelte'
import { bench, describe } from 'vitest'
import { makeResource, makeRows } from '../../test/fixtures'
import { filterRows, sortRows } from './resources'
import ResourceTable from './ResourceTable.svelte'

const columns = makeResource().columns
const rows = makeRows(10_000)
const noop = () => {}

describe('a 10,000-row table', () => {
  bench('first render (jsdom)', () => {
    const view = render(ResourceTable, { columns, rows, label: 'Zaps', selectedId: null, onselect: noop, onopen: noop })
    view.unmount()
  })

  bench('filter across cells ("slack gmail")', () => {
    filterRows(rows, 'slack gmail')
  })

  bench('sort by title', () => {
    sortRows(rows, { key: 'title', dir: 'asc' })
  })
})
