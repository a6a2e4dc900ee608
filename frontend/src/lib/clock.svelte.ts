// A clock that ticks on each whole minute, for "in 9 h 58 min" and for noticing that a
// token has just expired. Call it while a component initialises; it stops with it.

import { msUntilNextMinute } from './format'

export function minuteClock(): { readonly now: Date } {
  let now = $state(new Date())
  $effect(() => {
    let timer: ReturnType<typeof setTimeout>
    const tick = () => {
      now = new Date()
      timer = setTimeout(tick, msUntilNextMinute(now))
    }
    timer = setTimeout(tick, msUntilNextMinute(new Date()))
    return () => clearTimeout(timer)
  })
  return {
    get now() {
      return now
    },
  }
}
