// Package renewal decides when Partnerdesk renews a token without being
// asked: shortly before it expires, and once after the API rejects it. The
// implicit grant has no refresh tokens, so renewing means a silent sign-in
// (approval_prompt=auto in a hidden window) that succeeds only while the
// provider still remembers the approval.
//
// It only decides; the app performs the sign-in. Every trigger gets one
// silent try, never more, so a provider that keeps refusing cannot make the
// app loop.
package renewal

import (
	"sync"
	"time"

	"partnerdesk/internal/profiles"
)

// DefaultLead is how long before expiry a token is renewed and the operator
// reminded: tokens last 10 hours, so a quarter of an hour is early enough
// to finish a task and late enough not to waste the token.
const DefaultLead = 15 * time.Minute

// Planner remembers which triggers already had their try. Its zero value
// uses DefaultLead. It is safe for concurrent use.
type Planner struct {
	Lead time.Duration

	mu       sync.Mutex
	expiring map[string]time.Time // profile id -> the expiry already acted on
	rejected map[string]time.Time // profile id -> the obtained time of the token already retried
}

func (p *Planner) lead() time.Duration {
	if p.Lead > 0 {
		return p.Lead
	}
	return DefaultLead
}

// Expiring returns the signed-in profiles whose token expires within the
// lead time and were not acted on for that expiry yet, and marks them.
func (p *Planner) Expiring(list []profiles.Profile, now time.Time) []profiles.Profile {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.expiring == nil {
		p.expiring = map[string]time.Time{}
	}
	var due []profiles.Profile
	for _, pr := range list {
		t := pr.Token
		if !t.SignedIn || t.Invalid || t.ExpiresAt == nil {
			continue
		}
		left := t.ExpiresAt.Sub(now)
		if left <= 0 || left > p.lead() {
			continue
		}
		if done, ok := p.expiring[pr.ID]; ok && done.Equal(*t.ExpiresAt) {
			continue
		}
		p.expiring[pr.ID] = *t.ExpiresAt
		due = append(due, pr)
	}
	return due
}

// Rejected reports whether a silent try is due after the API rejected the
// profile's token: yes the first time for a given token, no after that,
// until a new token is obtained.
func (p *Planner) Rejected(pr profiles.Profile) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rejected == nil {
		p.rejected = map[string]time.Time{}
	}
	var obtained time.Time
	if pr.Token.ObtainedAt != nil {
		obtained = *pr.Token.ObtainedAt
	}
	if done, ok := p.rejected[pr.ID]; ok && done.Equal(obtained) {
		return false
	}
	p.rejected[pr.ID] = obtained
	return true
}
