// Which row a key moves the selection of the table to. Pure, so tests call it directly.

/**
 * The row index a navigation key selects: at is the selected row (-1 for none), first
 * the first row in view, last the last row, perPage the rows that fit in view. null when
 * the key does not move the selection.
 */
export function moveTo(key: string, at: number, first: number, last: number, perPage: number): number | null {
  switch (key) {
    case 'ArrowDown':
      return at < 0 ? first : Math.min(last, at + 1)
    case 'ArrowUp':
      return at < 0 ? first : Math.max(0, at - 1)
    case 'PageDown':
      return Math.min(last, Math.max(at, 0) + perPage - 1)
    case 'PageUp':
      return Math.max(0, at - perPage + 1)
    case 'Home':
      return 0
    case 'End':
      return last
  }
  return null
}
