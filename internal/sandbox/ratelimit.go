package sandbox

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// rateLimiter counts API requests in fixed windows, as a per-client limit of
// "N requests a minute" does: once the window's requests are used up, every
// request gets 429 until the window ends.
type rateLimiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	start time.Time // of the current window
	used  int
}

// take counts one request. It returns how many remain in the window, when
// the window ends, and whether this request is allowed.
func (l *rateLimiter) take() (remaining int, reset time.Time, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.start.IsZero() || !now.Before(l.start.Add(l.window)) {
		l.start, l.used = now, 0
	}
	reset = l.start.Add(l.window)
	if l.used >= l.limit {
		return 0, reset, false
	}
	l.used++
	return l.limit - l.used, reset, true
}

// limitRate answers 429 with Retry-After once the window's requests are used
// up; every answer carries the X-RateLimit-* headers.
func (s *Server) limitRate(next http.Handler) http.Handler {
	if s.limiter == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		remaining, reset, ok := s.limiter.take()
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(s.limiter.limit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		wait := reset.Sub(s.limiter.now())
		secs := int((wait + time.Second - 1) / time.Second) // rounded up: never too early
		h.Set("Retry-After", strconv.Itoa(max(1, secs)))
		s.log.Info("api request rate-limited", "path", r.URL.Path, "retry_after", secs)
		writeError(w, r, http.StatusTooManyRequests, "throttled", "Throttled",
			"Too many requests: the sandbox allows "+strconv.Itoa(s.limiter.limit)+" in "+humanDuration(s.limiter.window)+". Wait as Retry-After says, then try again.")
	})
}
