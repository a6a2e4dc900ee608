// Package logging sends Partnerdesk's log/slog records to
// $XDG_STATE_HOME/partnerdesk/partnerdesk.log (owner-only: the file 0600, the
// directory 0700), rotated by size (1 MiB, three files), and takes everything
// token-like out of every record first (see Handler and Redact).
//
// The app and the command line call Start once, at the top of main. Code
// that holds a token registers it with AddSecret, so that an exact copy of
// it (plain, percent- or base64-encoded) is cut out of any record, even one
// the patterns would not recognise; RemoveSecret forgets it again.
//
// What it deliberately does not do: print the command line's messages
// (commands write those to stderr themselves), send logs anywhere but this
// computer, or keep a record whose redaction failed in some other form.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"partnerdesk/internal/paths"
)

// Defaults used by Start and by Options left zero.
const (
	FileName        = "partnerdesk.log"
	DefaultMaxSize  = 1 << 20 // bytes per file
	DefaultMaxFiles = 3       // partnerdesk.log, .1 and .2
	// DebugEnv turns on debug records when set to anything but "" or "0".
	DebugEnv = "PARTNERDESK_DEBUG"
)

// Options configure Setup.
type Options struct {
	// Dir holds the log files; "" means $XDG_STATE_HOME/partnerdesk.
	Dir string
	// Debug logs debug records too; otherwise info and above.
	Debug bool
	// MaxSize and MaxFiles bound the files; zero means the defaults.
	MaxSize  int64
	MaxFiles int
	// Mirror, when not nil, also receives every record, redacted the same
	// way: debug records and above with Debug, warnings and above without.
	Mirror io.Writer
	// Secrets are the exact values to remove; nil means the package's set,
	// the one AddSecret fills.
	Secrets *Secrets
}

// defaultSecrets is the set AddSecret and RemoveSecret change and Start uses.
var defaultSecrets = &Secrets{}

// AddSecret registers a token the app holds: from now on it is removed from
// every record, in every form, wherever it appears.
func AddSecret(secret string) { defaultSecrets.Add(secret) }

// RemoveSecret forgets a token registered with AddSecret.
func RemoveSecret(secret string) { defaultSecrets.Remove(secret) }

// Redact removes from text everything the log handler would: the registered
// secrets and anything token-like.
func Redact(text string) string { return defaultSecrets.Redact(text) }

// DefaultDir is $XDG_STATE_HOME/partnerdesk, from xdg's current StateHome.
func DefaultDir() string { return paths.State() }

// DebugFromEnv reports whether PARTNERDESK_DEBUG asks for debug records.
func DebugFromEnv() bool {
	v := os.Getenv(DebugEnv)
	return v != "" && v != "0"
}

// Setup makes a logger as opts say and returns it with a function that
// closes its file. When the log file cannot be opened (a read-only or full
// disk) the logger still works, writing to Mirror only, and the error says
// why.
func Setup(opts Options) (*slog.Logger, func() error, error) {
	if opts.Dir == "" {
		opts.Dir = DefaultDir()
	}
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	if opts.MaxFiles <= 0 {
		opts.MaxFiles = DefaultMaxFiles
	}
	if opts.Secrets == nil {
		opts.Secrets = defaultSecrets
	}
	level := slog.LevelInfo
	mirrorLevel := slog.LevelWarn
	if opts.Debug {
		level, mirrorLevel = slog.LevelDebug, slog.LevelDebug
	}

	var handlers []slog.Handler
	closeFile := func() error { return nil }
	file, err := openFile(opts)
	if err == nil {
		handlers = append(handlers, slog.NewTextHandler(file, &slog.HandlerOptions{Level: level}))
		closeFile = file.Close
	} else {
		err = fmt.Errorf("logging: the log file in %s cannot be written: %w", opts.Dir, err)
	}
	if opts.Mirror != nil {
		handlers = append(handlers, slog.NewTextHandler(opts.Mirror, &slog.HandlerOptions{Level: mirrorLevel}))
	}
	var inner slog.Handler = slog.DiscardHandler
	switch len(handlers) {
	case 1:
		inner = handlers[0]
	case 2:
		inner = slog.NewMultiHandler(handlers...)
	}
	logger := slog.New(NewHandler(inner, opts.Secrets)).With("pid", os.Getpid())
	return logger, closeFile, err
}

func openFile(opts Options) (*rotatingFile, error) {
	if err := openDir(opts.Dir); err != nil {
		return nil, err
	}
	r := &rotatingFile{path: filepath.Join(opts.Dir, FileName), maxSize: opts.MaxSize, maxFiles: opts.MaxFiles}
	if err := r.ensureOpen(); err != nil {
		return nil, err
	}
	return r, nil
}

// Start sets up the default logger for the whole process (slog's default,
// which the standard log package then also writes to): the log file in the
// XDG state directory, debug records when PARTNERDESK_DEBUG is set, and a
// copy on stderr (debug records with PARTNERDESK_DEBUG, warnings otherwise).
// When the file cannot be written, logging goes on to stderr alone; with
// PARTNERDESK_DEBUG set, Start says so there.
func Start(stderr io.Writer) {
	debug := DebugFromEnv()
	logger, _, err := Setup(Options{Debug: debug, Mirror: stderr})
	slog.SetDefault(logger)
	if err != nil && debug {
		logger.Warn("logging to stderr only", "err", err)
	}
}
