import { fireEvent, render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { tick } from 'svelte'
import { describe, expect, it, vi } from 'vitest'
import { makeResource, makeRows } from '../../test/fixtures'
import ResourceTable from './ResourceTable.svelte'

const ROW_H = 32
const columns = makeResource().columns
const rows = makeRows(10_000)

function setup(over: Record<string, unknown> = {}) {
  const props = {
    columns,
    rows,
    label: 'Zaps',
    selectedId: null as string | null,
    onselect: vi.fn(),
    onopen: vi.fn(),
    oncopy: vi.fn(),
    onsort: vi.fn(),
    ...over,
  }
  const view = render(ResourceTable, props)
  const grid = screen.getByRole('grid', { name: 'Zaps' })
  return { ...view, props, grid }
}

/** The data rows on the page (the header row left out). */
function dataRows(grid: HTMLElement): HTMLElement[] {
  return within(grid)
    .getAllByRole('row')
    .filter((r) => r.hasAttribute('data-index'))
}

function titles(grid: HTMLElement): string[] {
  return dataRows(grid).map((r) => within(r).getAllByRole('gridcell')[0].textContent ?? '')
}

describe('ResourceTable', () => {
  it('puts only a window of the 10,000 rows on the page, and says how many there are', () => {
    const { grid } = setup()
    const shown = dataRows(grid)
    expect(shown.length).toBeGreaterThan(10)
    expect(shown.length).toBeLessThan(40)
    expect(titles(grid)[0]).toBe(rows[0].cells.title)
    expect(grid).toHaveAttribute('aria-rowcount', '10001')
    expect(shown[0]).toHaveAttribute('aria-rowindex', '2')
    // The body is as tall as all the rows, so the scroll bar tells the truth.
    const body = grid.querySelector('.body') as HTMLElement
    expect(body.style.height).toBe(`${10_000 * ROW_H}px`)
    expect(within(grid).getAllByRole('columnheader').map((h) => h.textContent?.trim())).toEqual([
      'Title',
      'State',
      'Apps',
      'Modified',
    ])
  })

  it('swaps the rows on the page as it scrolls', async () => {
    const { grid } = setup()
    grid.scrollTop = 5000 * ROW_H
    await fireEvent.scroll(grid)
    const shown = dataRows(grid)
    expect(shown.length).toBeLessThan(40)
    const texts = titles(grid)
    expect(texts.some((t) => t.startsWith('Zap 5001:'))).toBe(true)
    expect(texts.some((t) => t.startsWith('Zap 1:'))).toBe(false)
    // Each row sits where the scroll position says: the window is moved down to its first row.
    const first = Number(shown[0].getAttribute('data-index'))
    const win = grid.querySelector('.window') as HTMLElement
    expect(win.style.transform).toBe(`translateY(${first * ROW_H}px)`)

    grid.scrollTop = 10_000 * ROW_H
    await fireEvent.scroll(grid)
    expect(titles(grid).at(-1)).toMatch(/^Zap 10000:/)
  })

  it('moves the selection with the arrow keys, Page Down, Home and End, keeping it in view', async () => {
    const { grid, props, rerender } = setup()
    grid.focus()
    await userEvent.keyboard('{ArrowDown}')
    expect(props.onselect).toHaveBeenLastCalledWith('1')
    await rerender({ selectedId: '1' })
    expect(dataRows(grid)[0]).toHaveAttribute('aria-selected', 'true')
    expect(grid.getAttribute('aria-activedescendant')).toBe(dataRows(grid)[0].id)

    await userEvent.keyboard('{ArrowDown}')
    expect(props.onselect).toHaveBeenLastCalledWith('2')
    await rerender({ selectedId: '2' })
    await userEvent.keyboard('{ArrowUp}')
    expect(props.onselect).toHaveBeenLastCalledWith('1')

    await userEvent.keyboard('{End}')
    expect(props.onselect).toHaveBeenLastCalledWith('10000')
    await rerender({ selectedId: '10000' })
    expect(grid.scrollTop).toBeGreaterThan(9_900 * ROW_H)
    const last = dataRows(grid).find((r) => r.getAttribute('aria-selected') === 'true')
    expect(last).toHaveTextContent('Zap 10000:')
    expect(grid.getAttribute('aria-activedescendant')).toBe(last?.id)

    await userEvent.keyboard('{Home}')
    expect(props.onselect).toHaveBeenLastCalledWith('1')
    await rerender({ selectedId: '1' })
    expect(grid.scrollTop).toBe(0)

    await userEvent.keyboard('{PageDown}')
    const paged = Number(props.onselect.mock.lastCall?.[0])
    expect(paged).toBeGreaterThan(10)
  })

  it('opens the selected row with Enter, copies it with Ctrl+C, and selects on click', async () => {
    const { grid, props } = setup({ selectedId: '3' })
    grid.focus()
    await userEvent.keyboard('{Enter}')
    expect(props.onopen).toHaveBeenCalledWith('3')
    await userEvent.keyboard('{Control>}c{/Control}')
    expect(props.oncopy).toHaveBeenCalledWith('3')

    await userEvent.click(screen.getByText(rows[4].cells.title))
    expect(props.onselect).toHaveBeenLastCalledWith('5')
    expect(grid).toHaveFocus()
    await userEvent.dblClick(screen.getByText(rows[5].cells.title))
    expect(props.onopen).toHaveBeenLastCalledWith('6')
  })

  it('sorts by a column from its header and says which way', async () => {
    const { props, rerender } = setup()
    await userEvent.click(screen.getByRole('button', { name: /State/ }))
    expect(props.onsort).toHaveBeenCalledWith('state')
    await rerender({ sort: { key: 'state', dir: 'desc' } })
    expect(screen.getByRole('columnheader', { name: /State/ })).toHaveAttribute('aria-sort', 'descending')
    expect(screen.getByRole('columnheader', { name: /Title/ })).toHaveAttribute('aria-sort', 'none')
  })

  it('stays within the rows when a shorter list replaces a long one scrolled far down', async () => {
    const { grid, rerender } = setup()
    grid.scrollTop = 9_000 * ROW_H
    await fireEvent.scroll(grid)
    await rerender({ rows: rows.slice(0, 5) })
    await tick()
    expect(titles(grid)).toEqual(rows.slice(0, 5).map((r) => r.cells.title))
  })
})
