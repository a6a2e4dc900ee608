package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adrg/xdg"
)

// tempStore returns a Store whose file is in a fresh directory that does not
// exist yet, so Update has to create it.
func tempStore(t *testing.T) *Store {
	t.Helper()
	return &Store{Path: filepath.Join(t.TempDir(), "partnerdesk", "profiles.json")}
}

func addProfile(t *testing.T, s *Store, name string) {
	t.Helper()
	err := s.Update(func(f *File) error {
		_, err := f.Add(testProfile(name))
		return err
	})
	if err != nil {
		t.Fatalf("add %q: %v", name, err)
	}
}

func writeRaw(t *testing.T, s *Store, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// dirNames lists the names in the store's directory.
func dirNames(t *testing.T, s *Store) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(s.Path))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func assertOnlyFileAndLock(t *testing.T, s *Store) {
	t.Helper()
	if got, want := dirNames(t, s), []string{"profiles.json", "profiles.json.lock"}; !slices.Equal(got, want) {
		t.Errorf("directory holds %q, want %q (no temp files)", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	s := tempStore(t)
	paris := time.FixedZone("Paris", 3600)
	obtained := time.Date(2026, 3, 1, 13, 4, 5, 999_000_000, paris)
	expires := obtained.Add(10 * time.Hour)
	verified := obtained.Add(time.Minute)
	in := Profile{
		Name:         "Work",
		ClientID:     "abc123",
		RedirectURI:  "http://127.0.0.1:8765/callback",
		AuthorizeURL: "https://auth.example.com/oauth/authorize/",
		APIBaseURL:   "https://api.example.com",
		Scopes:       []string{"zap", "profile"},
		Token: TokenMeta{
			SignedIn:       true,
			ObtainedAt:     &obtained,
			ExpiresAt:      &expires,
			Scopes:         []string{"zap"},
			LastVerifiedAt: &verified,
			LastVerifyOK:   true,
			LastVerifyNote: "The token works.",
			Identity:       &Identity{ID: "42", FullName: "Ada Lovelace", Email: "ada@example.com"},
		},
	}
	var id string
	err := s.Update(func(f *File) error {
		p, err := f.Add(in)
		if err == nil {
			id = p.ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	f, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != firstVersion || len(f.Profiles) != 1 { // implicit profiles only: grant_test.go
		t.Fatalf("loaded version %d with %d profiles, want version %d with 1", f.Version, len(f.Profiles), firstVersion)
	}
	got := f.Profiles[0]
	want := in
	want.ID = id
	for _, pt := range []**time.Time{&want.Token.ObtainedAt, &want.Token.ExpiresAt, &want.Token.LastVerifiedAt} {
		u := (**pt).UTC().Truncate(time.Second)
		*pt = &u
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("loaded\n%+v\n%+v\nwant\n%+v\n%+v", got, *got.Token.Identity, want, *want.Token.Identity)
	}

	raw, err := os.ReadFile(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"version": 1`, `"obtained_at": "2026-03-01T12:04:05Z"`, "\n  \"profiles\": [\n"} {
		if !bytes.Contains(raw, []byte(s)) {
			t.Errorf("file does not contain %q:\n%s", s, raw)
		}
	}
	if !bytes.HasSuffix(raw, []byte("}\n")) {
		t.Error("file does not end with a newline")
	}
	assertOnlyFileAndLock(t, s)
}

func TestEmptyListIsWrittenAsArray(t *testing.T) {
	s := tempStore(t)
	addProfile(t, s, "Work")
	if err := s.Update(func(f *File) error { _, err := f.Remove("Work"); return err }); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(s.Path)
	if !bytes.Contains(raw, []byte(`"profiles": []`)) {
		t.Errorf("file = %s, want an empty profiles array", raw)
	}
}

func TestModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix file modes")
	}
	t.Run("the created directory is 0700 and the file 0600", func(t *testing.T) {
		s := tempStore(t)
		addProfile(t, s, "Work")
		assertMode(t, filepath.Dir(s.Path), 0o700)
		assertMode(t, s.Path, 0o600)
		assertMode(t, s.Path+".lock", 0o600)
	})
	t.Run("a 0644 file is replaced by a 0600 one", func(t *testing.T) {
		s := tempStore(t)
		writeRaw(t, s, `{"version": 1, "profiles": []}`)
		if err := os.Chmod(s.Path, 0o644); err != nil {
			t.Fatal(err)
		}
		addProfile(t, s, "Work")
		assertMode(t, s.Path, 0o600)
	})
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %o, want %o", filepath.Base(path), got, want)
	}
}

func TestLoadWithoutAFile(t *testing.T) {
	tests := []struct {
		name    string
		content *string // nil: no file
	}{
		{"a missing file is an empty File", nil},
		{"an empty file is an empty File", new("")},
		{"a file of only white space is an empty File", new(" \n\t\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tempStore(t)
			if tt.content != nil {
				writeRaw(t, s, *tt.content)
			}
			f, err := s.Load()
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if f.Version != SchemaVersion || len(f.Profiles) != 0 {
				t.Errorf("Load = %+v, want an empty File of version %d", f, SchemaVersion)
			}
			if _, err := os.Stat(filepath.Dir(s.Path)); tt.content == nil && err == nil {
				t.Error("Load created the directory")
			}
			if tt.content != nil {
				if got := dirNames(t, s); !slices.Equal(got, []string{"profiles.json"}) {
					t.Errorf("directory holds %q, want the file left in place", got)
				}
			}
			addProfile(t, s, "Work")
		})
	}
}

func TestCorruptFile(t *testing.T) {
	valid := `{"id": "p_000000000001", "name": "Work", "client_id": "c", "redirect_uri": "https://x.example/cb", "token": {"signed_in": false}}`
	tests := []struct {
		name, content string
	}{
		{"garbage", "this is not json"},
		{"truncated JSON", `{"version": 1, "profiles": [{"id": "p_0000`},
		{"JSON that is not an object", `[1, 2, 3]`},
		{"JSON null", `null`},
		{"trailing garbage", `{"version": 1, "profiles": []} x`},
		{"no version", `{"profiles": []}`},
		{"version zero", `{"version": 0, "profiles": []}`},
		{"a version that is a string", `{"version": "1", "profiles": []}`},
		{"profiles that are not a list", `{"version": 1, "profiles": {}}`},
		{"a profile without a client id", `{"version": 1, "profiles": [{"id": "p_000000000001", "name": "Work", "redirect_uri": "https://x.example/cb"}]}`},
		{"two profiles with the same name", `{"version": 1, "profiles": [` + valid + `, ` + strings.Replace(valid, "01", "02", 1) + `]}`},
	}
	for _, tt := range tests {
		t.Run("a file with "+tt.name+" is set aside and the app can add a profile", func(t *testing.T) {
			s := tempStore(t)
			writeRaw(t, s, tt.content)

			f, err := s.Load()
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Load error = %v, want a *CorruptError", err)
			}
			if f == nil || len(f.Profiles) != 0 {
				t.Fatalf("Load returned %+v, want an empty File", f)
			}
			if ce.Path != s.Path || ce.Err == nil {
				t.Errorf("CorruptError = %+v, want Path %s and a cause", ce, s.Path)
			}
			if !strings.HasPrefix(ce.MovedTo, s.Path+".corrupt-") {
				t.Errorf("MovedTo = %s, want %s.corrupt-<time>", ce.MovedTo, s.Path)
			}
			if got, _ := os.ReadFile(ce.MovedTo); string(got) != tt.content {
				t.Errorf("set-aside file holds %q, want the original %q", got, tt.content)
			}
			if !strings.Contains(err.Error(), "could not be read and was set aside as "+ce.MovedTo) {
				t.Errorf("message %q is not in operator words", err)
			}
			if _, err := os.Stat(s.Path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("profiles.json still exists: %v", err)
			}

			addProfile(t, s, "Work")
			f, err = s.Load()
			if err != nil || len(f.Profiles) != 1 {
				t.Fatalf("after adding: Load = %+v, %v; want one profile", f, err)
			}
		})
	}

	t.Run("Update on a corrupt file saves the change and returns the notice", func(t *testing.T) {
		s := tempStore(t)
		writeRaw(t, s, "garbage")
		err := s.Update(func(f *File) error {
			if len(f.Profiles) != 0 {
				t.Errorf("fn got %d profiles, want an empty File", len(f.Profiles))
			}
			_, err := f.Add(testProfile("Work"))
			return err
		})
		var ce *CorruptError
		if !errors.As(err, &ce) {
			t.Fatalf("Update error = %v, want a *CorruptError", err)
		}
		if f, err := s.Load(); err != nil || len(f.Profiles) != 1 {
			t.Fatalf("Load = %+v, %v; want the added profile", f, err)
		}
	})

	t.Run("two corrupt files in one second are both kept", func(t *testing.T) {
		s := tempStore(t)
		var moved []string
		for _, content := range []string{"first", "second"} {
			writeRaw(t, s, content)
			_, err := s.Load()
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Load error = %v, want a *CorruptError", err)
			}
			moved = append(moved, ce.MovedTo)
		}
		if moved[0] == moved[1] {
			t.Fatalf("both set aside as %s", moved[0])
		}
		for i, want := range []string{"first", "second"} {
			if got, _ := os.ReadFile(moved[i]); string(got) != want {
				t.Errorf("%s holds %q, want %q", moved[i], got, want)
			}
		}
	})
}

func TestNewerSchema(t *testing.T) {
	s := tempStore(t)
	// A future schema whose shape today's types cannot read.
	content := `{"version": 3, "profiles": {"p_1": {"name": 7}}}`
	writeRaw(t, s, content)

	f, err := s.Load()
	if !errors.Is(err, ErrNewerSchema) || f != nil {
		t.Fatalf("Load = %v, %v; want nil and ErrNewerSchema", f, err)
	}
	called := false
	err = s.Update(func(*File) error { called = true; return nil })
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Update error = %v, want ErrNewerSchema", err)
	}
	if called {
		t.Error("Update called fn on a newer schema")
	}
	if got, _ := os.ReadFile(s.Path); string(got) != content {
		t.Errorf("file changed to %q", got)
	}
	assertOnlyFileAndLock(t, s)
}

func TestFailedUpdateLeavesTheFileIntact(t *testing.T) {
	errFn := errors.New("fn failed")
	errRename := errors.New("rename failed")
	tests := []struct {
		name    string
		fn      func(*File) error
		rename  func(string, string) error // nil: the real one
		wantErr error
	}{
		{"an error from fn", func(f *File) error { f.Profiles = nil; return errFn }, nil, errFn},
		{"an invalid profile added directly", func(f *File) error {
			f.Profiles = append(f.Profiles, Profile{ID: "p_000000000009", Name: "No client"})
			return nil
		}, nil, ErrInvalid},
		{"a rename to a duplicate name", func(f *File) error { f.Profiles[1].Name = "WORK"; return nil }, nil, ErrExists},
		{"a failed rename after the temp file is written", func(f *File) error {
			_, err := f.Add(testProfile("Play"))
			return err
		}, func(string, string) error { return errRename }, errRename},
	}
	for _, tt := range tests {
		t.Run(tt.name+" leaves the old file and no temp file", func(t *testing.T) {
			s := tempStore(t)
			addProfile(t, s, "Work")
			addProfile(t, s, "Home")
			before, _ := os.ReadFile(s.Path)
			if tt.rename != nil {
				renameFile = tt.rename
				t.Cleanup(func() { renameFile = replaceFile })
			}

			err := s.Update(tt.fn)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Update error = %v, want %v", err, tt.wantErr)
			}
			if after, _ := os.ReadFile(s.Path); !bytes.Equal(before, after) {
				t.Errorf("file changed:\n%s\nwant\n%s", after, before)
			}
			assertOnlyFileAndLock(t, s)
		})
	}
}

func TestReadOnlyDirectory(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix directory permissions")
	}
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions, so a read-only directory cannot make the write fail")
	}
	s := tempStore(t)
	addProfile(t, s, "Work")
	before, _ := os.ReadFile(s.Path)
	dir := filepath.Dir(s.Path)
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })

	err := s.Update(func(f *File) error { _, err := f.Add(testProfile("Home")); return err })
	if err == nil {
		t.Fatal("Update in a read-only directory succeeded")
	}
	if after, _ := os.ReadFile(s.Path); !bytes.Equal(before, after) {
		t.Errorf("file changed")
	}
	assertOnlyFileAndLock(t, s)
}

func TestLockHeldTooLong(t *testing.T) {
	s := tempStore(t)
	addProfile(t, s, "Work")
	unlock, err := lock(s.Path + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	old := lockWait
	lockWait = 50 * time.Millisecond
	t.Cleanup(func() { lockWait = old })

	called := false
	err = s.Update(func(*File) error { called = true; return nil })
	if !errors.Is(err, ErrLockTimeout) {
		t.Fatalf("Update error = %v, want ErrLockTimeout", err)
	}
	if called {
		t.Error("Update called fn without the lock")
	}
}

func TestDefaultPath(t *testing.T) {
	t.Cleanup(xdg.Reload)
	useConfigHome := func(dir string) {
		t.Setenv("XDG_CONFIG_HOME", dir)
		xdg.Reload()
	}

	first := t.TempDir()
	useConfigHome(first)
	got, err := DefaultPath()
	if want := filepath.Join(first, "partnerdesk", "profiles.json"); err != nil || got != want {
		t.Fatalf("DefaultPath() = %q, %v; want %q", got, err, want)
	}

	s := NewStore()
	addProfile(t, s, "Work")
	if _, err := os.Stat(got); err != nil {
		t.Fatalf("NewStore did not write the default path: %v", err)
	}

	// The path is looked up at each call, not when the Store is made.
	second := t.TempDir()
	useConfigHome(second)
	if f, err := s.Load(); err != nil || len(f.Profiles) != 0 {
		t.Fatalf("Load after moving XDG_CONFIG_HOME = %+v, %v; want an empty File", f, err)
	}
	addProfile(t, s, "Home")
	if _, err := os.Stat(filepath.Join(second, "partnerdesk", "profiles.json")); err != nil {
		t.Fatalf("second config home not used: %v", err)
	}
}

// Concurrency: several goroutines and several processes append at once;
// every profile must survive, which fails without the lock (lost updates).

const (
	helperEnv     = "PARTNERDESK_PROFILES_TEST_HELPER"
	helperPathEnv = "PARTNERDESK_PROFILES_TEST_PATH"
	workers       = 8 // goroutines, and as many processes
	perWorker     = 5 // profiles each one appends, one Update each
)

// TestHelperProcess is not a test: the concurrency test re-executes the test
// binary to run it as a separate process, as the GitHub CLI's tests do.
func TestHelperProcess(t *testing.T) {
	prefix := os.Getenv(helperEnv)
	if prefix == "" {
		t.Skip("runs only as a child of TestConcurrentUpdates")
	}
	if err := appendProfiles(&Store{Path: os.Getenv(helperPathEnv)}, prefix); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

func appendProfiles(s *Store, prefix string) error {
	for i := range perWorker {
		err := s.Update(func(f *File) error {
			_, err := f.Add(testProfile(prefix + "-" + strconv.Itoa(i)))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func TestConcurrentUpdates(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: it starts processes")
	}
	s := tempStore(t)
	var want []string
	var cmds []*exec.Cmd
	var outputs []*bytes.Buffer
	for w := range workers {
		prefix := fmt.Sprintf("proc%d", w)
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperEnv+"="+prefix, helperPathEnv+"="+s.Path)
		out := new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = out, out
		cmds, outputs = append(cmds, cmd), append(outputs, out)
		for i := range perWorker {
			want = append(want, prefix+"-"+strconv.Itoa(i))
		}
	}
	for _, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}

	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		prefix := fmt.Sprintf("goroutine%d", w)
		for i := range perWorker {
			want = append(want, prefix+"-"+strconv.Itoa(i))
		}
		wg.Go(func() { errs <- appendProfiles(s, prefix) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v\n%s", i, err, outputs[i])
		}
	}

	f, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range f.Profiles {
		got = append(got, strings.ToLower(p.Name))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("got %d profiles, want %d (2 × %d workers × %d each); missing: %q",
			len(got), len(want), workers, perWorker, missing(want, got))
	}
	assertOnlyFileAndLock(t, s)
}

func missing(want, got []string) []string {
	var m []string
	for _, w := range want {
		if !slices.Contains(got, w) {
			m = append(m, w)
		}
	}
	return m
}
