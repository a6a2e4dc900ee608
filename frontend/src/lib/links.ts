// The main window shows only Partnerdesk's own pages. Web addresses open in the
// system browser through Go, and nothing may navigate the window away.

import { backend, errorMessage } from './api/backend'
import { toasts } from './ui/toasts.svelte'

/** Opens url in the system browser; when Go refuses it, says so in a toast. */
export function openExternal(url: string): void {
  backend.openURL(url).catch((err) => toasts.error(errorMessage(err)))
}

/**
 * Stops the window from ever leaving the app: a click on any link to another origin
 * opens it in the system browser instead, and dropping a file on the window (which
 * would load that file) does nothing. Returns a function that removes the guards.
 */
export function guardNavigation(doc: Document = document): () => void {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented) return
    const a = (e.target as Element | null)?.closest?.('a[href]')
    if (!(a instanceof HTMLAnchorElement)) return
    const url = new URL(a.href, doc.baseURI)
    if (url.origin === new URL(doc.baseURI).origin && url.protocol === doc.location.protocol) return
    e.preventDefault()
    if (url.protocol === 'https:' || url.protocol === 'http:') openExternal(url.href)
  }
  const noDrop = (e: DragEvent) => e.preventDefault()
  doc.addEventListener('click', onClick)
  doc.addEventListener('dragover', noDrop)
  doc.addEventListener('drop', noDrop)
  return () => {
    doc.removeEventListener('click', onClick)
    doc.removeEventListener('dragover', noDrop)
    doc.removeEventListener('drop', noDrop)
  }
}
