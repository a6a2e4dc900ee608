// Short confirmations that fade on their own ("Signed in as …"). Errors never go
// here: they stay inline, next to what failed, until the operator dismisses them.

export type Toast = { id: number; message: string }

const SHOW_MS = 5000

class Toasts {
  items = $state<Toast[]>([])
  #next = 1

  show(message: string): void {
    const id = this.#next++
    this.items.push({ id, message })
    setTimeout(() => this.dismiss(id), SHOW_MS)
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id)
  }

  reset(): void {
    this.items = []
  }
}

export const toasts = new Toasts()
