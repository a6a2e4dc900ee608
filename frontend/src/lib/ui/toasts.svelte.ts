// Short confirmations that fade on their own ("Signed in as …"). Errors stay
// inline, next to what failed; only one with nowhere inline to go (a link the app
// would not open) is a toast, and it stays until the operator dismisses it.

export type Toast = { id: number; message: string; error: boolean }

const SHOW_MS = 5000

class Toasts {
  items = $state<Toast[]>([])
  #next = 1

  show(message: string): void {
    const id = this.#next++
    this.items.push({ id, message, error: false })
    setTimeout(() => this.dismiss(id), SHOW_MS)
  }

  /** An error with no place of its own on the page: it stays until dismissed. */
  error(message: string): void {
    this.items.push({ id: this.#next++, message, error: true })
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id)
  }

  reset(): void {
    this.items = []
  }
}

export const toasts = new Toasts()
