package windowproc

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"partnerdesk/internal/signin/window"
)

// The tests run this test binary itself as the window process: a real child
// with real pipes, whose "window" is one of the stand-ins below, chosen by
// WINDOWPROC_TEST_WINDOW.
func TestMain(m *testing.M) {
	if mode := os.Getenv("WINDOWPROC_TEST_WINDOW"); mode != "" {
		os.Exit(Serve(os.Stdin, os.Stdout, standIn(mode), func(fn func()) error { fn(); return nil }))
	}
	os.Exit(m.Run())
}

func standIn(mode string) func(context.Context, window.Options) (string, error) {
	return func(ctx context.Context, o window.Options) (string, error) {
		switch mode {
		case "redirect":
			return o.RedirectURI + "#access_token=tok&state=" + o.Title, nil
		case "no-sandbox":
			return "", errors.Join(window.ErrNoSandbox, errors.New("bubblewrap is missing"))
		case "other":
			return "", errors.New("something else went wrong")
		case "wait":
			<-ctx.Done()
			return "", window.ErrCancelled
		case "die":
			os.Exit(7)
		}
		return "", nil
	}
}

func client(t *testing.T, mode string) Client {
	t.Helper()
	t.Setenv("WINDOWPROC_TEST_WINDOW", mode)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Client{App: self}
}

func TestTheRedirectComesBackOverThePipe(t *testing.T) {
	got, err := client(t, "redirect").Open(context.Background(), window.Options{RedirectURI: "https://partner.invalid/cb", Title: "s1"})
	if err != nil || got != "https://partner.invalid/cb#access_token=tok&state=s1" {
		t.Fatalf("Open = %q, %v", got, err)
	}
}

func TestAWindowErrorKeepsItsIdentityAndWords(t *testing.T) {
	_, err := client(t, "no-sandbox").Open(context.Background(), window.Options{})
	if !errors.Is(err, window.ErrNoSandbox) || !strings.Contains(err.Error(), "bubblewrap is missing") {
		t.Fatalf("Open = %v, want window.ErrNoSandbox with its words", err)
	}
	_, err = client(t, "other").Open(context.Background(), window.Options{})
	if err == nil || err.Error() != "something else went wrong" {
		t.Fatalf("Open = %v, want the child's own words", err)
	}
	for _, e := range errorNames {
		if errors.Is(err, e) {
			t.Errorf("an unnamed error passes for %v", e)
		}
	}
}

func TestGivingUpClosesTheWindow(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c := client(t, "wait")
	done := make(chan error, 1)
	go func() {
		_, err := c.Open(ctx, window.Options{})
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, window.ErrCancelled) {
		t.Fatalf("Open = %v, want window.ErrCancelled", err)
	}
}

func TestAWindowProcessThatDiesWithoutAnAnswerIsACrash(t *testing.T) {
	_, err := client(t, "die").Open(context.Background(), window.Options{})
	if !errors.Is(err, window.ErrCrashed) {
		t.Fatalf("Open = %v, want window.ErrCrashed", err)
	}
}

func TestAMissingAppIsNamed(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "partnerdesk-app")
	_, err := Client{App: missing}.Open(context.Background(), window.Options{})
	var m *AppMissingError
	if !errors.As(err, &m) || m.Path != missing {
		t.Fatalf("Open = %v, want AppMissingError for %s", err, missing)
	}
}

func TestServeWithoutOptionsShowsNothing(t *testing.T) {
	opened := false
	open := func(context.Context, window.Options) (string, error) { opened = true; return "", nil }
	var out bytes.Buffer
	if code := Serve(strings.NewReader("not json\n"), &out, open, func(fn func()) error { fn(); return nil }); code != 2 {
		t.Errorf("Serve = %d, want 2", code)
	}
	if opened || out.Len() != 0 {
		t.Errorf("a window opened (%v) or an answer was written (%q)", opened, out.String())
	}
}
