// Package filelock takes and releases an exclusive lock on an open file
// without waiting, on every system Partnerdesk ships for. The profiles
// file (internal/profiles) and the token renewals (internal/credential)
// both lock this way; each decides how long to wait and what to say.
//
// The lock belongs to the open file, not to the process: two opens of the
// same path in one process exclude each other too, and the system drops
// the lock when the file is closed or the process ends.
package filelock
