package profiles

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Local faults: a damaged file, a read-only or full disk, and the process
// killed in the middle of a write. Each test reports how many faults it
// injected and how many the store survived.

// faultFile is a realistic profiles file: three profiles, one signed in.
func faultFile(t *testing.T, s *Store) []byte {
	t.Helper()
	err := s.Update(func(f *File) error {
		for _, n := range []string{"Work", "Home", "Sandbox"} {
			p, err := f.Add(testProfile(n))
			if err != nil {
				return err
			}
			p.Scopes = []string{"zap", "profile"}
		}
		now := time.Now()
		f.Profiles[0].Token = TokenMeta{SignedIn: true, ObtainedAt: &now, Scopes: []string{"zap"},
			Identity: &Identity{ID: "1", FullName: "Ann Operator", Email: "ann@example.com"}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEveryTruncationOfTheFileIsSetAsideWithItsBytesKept(t *testing.T) {
	s := tempStore(t)
	whole := faultFile(t, s)
	injected, survived := 0, 0
	for n := 0; n < len(whole); n++ {
		content := whole[:n]
		if err := os.WriteFile(s.Path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		injected++
		f, err := s.Load()
		var ce *CorruptError
		switch {
		case len(bytes.TrimSpace(content)) == 0:
			// Nothing in it to keep: an empty file is no profiles.
			if err != nil || len(f.Profiles) != 0 {
				t.Errorf("%d bytes (blank): Load = %v, %v", n, f, err)
				continue
			}
		case err == nil && len(f.Profiles) == 3:
			// Only the final newline went: still the whole file.
		case errors.As(err, &ce):
			moved, rerr := os.ReadFile(ce.MovedTo)
			if rerr != nil || !bytes.Equal(moved, content) {
				t.Errorf("%d bytes: the set-aside copy differs from what was there (%v)", n, rerr)
				continue
			}
			os.Remove(ce.MovedTo)
		default:
			t.Errorf("the file cut after %d of %d bytes: Load = %v profiles, %v; want it set aside", n, len(whole), len(f.Profiles), err)
			continue
		}
		// The app carries on: it can save a profile right away.
		if err := s.Update(func(f *File) error { _, err := f.Add(testProfile("After")); return err }); err != nil {
			t.Errorf("%d bytes: Update after the damage: %v", n, err)
			continue
		}
		survived++
	}
	t.Logf("truncated profiles.json: %d of %d truncations survived (set aside with their bytes, app carried on)", survived, injected)
}

func TestDamagedBytesAreSetAsideWithTheirContent(t *testing.T) {
	s := tempStore(t)
	whole := faultFile(t, s)
	rng := rand.New(rand.NewPCG(1, 2))
	injected, survived := 0, 0
	for i := range 200 {
		content := bytes.Clone(whole)
		switch i % 4 {
		case 0: // a flipped byte
			j := rng.IntN(len(content))
			content[j] ^= byte(1 + rng.IntN(255))
		case 1: // a run of NUL bytes, as after a crash on some file systems
			j := rng.IntN(len(content))
			for k := j; k < min(len(content), j+1+rng.IntN(64)); k++ {
				content[k] = 0
			}
		case 2: // random bytes
			content = make([]byte, 1+rng.IntN(512))
			for k := range content {
				content[k] = byte(rng.IntN(256))
			}
		case 3: // the file twice, as after a botched append
			content = append(content, whole...)
		}
		if err := os.WriteFile(s.Path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		injected++
		f, err := s.Load()
		var ce *CorruptError
		if errors.As(err, &ce) {
			if moved, _ := os.ReadFile(ce.MovedTo); !bytes.Equal(moved, content) {
				t.Errorf("case %d: the set-aside copy differs", i)
				continue
			}
			os.Remove(ce.MovedTo)
			survived++
			continue
		}
		if err != nil {
			t.Errorf("case %d: Load = %v", i, err)
			continue
		}
		// A flip inside a string can leave a valid file: that is no fault.
		if err := f.validate(); err != nil {
			t.Errorf("case %d: Load returned an invalid file: %v", i, err)
			continue
		}
		survived++
	}
	t.Logf("damaged profiles.json: %d of %d survived (set aside, or still a valid file)", survived, injected)
}

// mountTmpfs mounts a tmpfs of the given size on a fresh directory, or skips
// the test with the reason it cannot.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("needs Linux tmpfs")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs (run the tests as root, e.g. in CI)")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s)", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

func remount(t *testing.T, dir, opts string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+opts, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s: %v: %s", opts, err, out)
	}
}

func TestAReadOnlyConfigDirectoryKeepsTheOldFileAndSaysWhy(t *testing.T) {
	dir := mountTmpfs(t, "1m")
	s := &Store{Path: filepath.Join(dir, "partnerdesk", "profiles.json")}
	before := faultFile(t, s)
	remount(t, dir, "ro")
	t.Cleanup(func() { remount(t, dir, "rw") })

	injected, survived := 0, 0
	check := func(what string, err error) {
		t.Helper()
		injected++
		if err == nil {
			t.Errorf("%s on a read-only disk reported success", what)
			return
		}
		if !errors.Is(err, syscall.EROFS) || !strings.Contains(err.Error(), "read-only file system") {
			t.Errorf("%s: %v; want an error that says the file system is read-only", what, err)
			return
		}
		if after, _ := os.ReadFile(s.Path); !bytes.Equal(before, after) {
			t.Errorf("%s changed the file", what)
			return
		}
		t.Logf("%s: %v", what, err)
		survived++
	}
	check("adding a profile", s.Update(func(f *File) error { _, err := f.Add(testProfile("New")); return err }))
	check("changing token facts", s.Update(func(f *File) error { f.Profiles[0].Token = TokenMeta{}; return nil }))
	check("removing a profile", s.Update(func(f *File) error { _, err := f.Remove("Home"); return err }))
	// Reading still works.
	if f, err := s.Load(); err != nil || len(f.Profiles) != 3 {
		t.Errorf("Load on a read-only disk = %v, %v", f, err)
	}
	t.Logf("read-only config directory: %d of %d writes refused with a clear error, the old file intact", survived, injected)
}

func TestADamagedFileOnAReadOnlyDiskIsLeftAloneWithAClearError(t *testing.T) {
	dir := mountTmpfs(t, "1m")
	s := &Store{Path: filepath.Join(dir, "partnerdesk", "profiles.json")}
	faultFile(t, s)
	if err := os.WriteFile(s.Path, []byte(`{"version": 1, "prof`), 0o600); err != nil {
		t.Fatal(err)
	}
	remount(t, dir, "ro")
	t.Cleanup(func() { remount(t, dir, "rw") })
	_, err := s.Load()
	if err == nil || !errors.Is(err, syscall.EROFS) || !strings.Contains(err.Error(), "read-only file system") {
		t.Fatalf("Load = %v, want an error saying the file system is read-only", err)
	}
	t.Logf("a damaged file on a read-only disk: %v", err)
	if b, _ := os.ReadFile(s.Path); string(b) != `{"version": 1, "prof` {
		t.Error("the damaged file was changed")
	}
}

func TestAFullDiskKeepsTheOldFileAndSaysWhy(t *testing.T) {
	dir := mountTmpfs(t, "16k")
	s := &Store{Path: filepath.Join(dir, "partnerdesk", "profiles.json")}
	before := faultFile(t, s)

	// Fill what is left.
	filler, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 512)
	for {
		if _, err := filler.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	filler.Close()

	injected, survived := 0, 0
	for i := range 5 {
		injected++
		err := s.Update(func(f *File) error {
			p, err := f.Add(testProfile("Big" + strconv.Itoa(i)))
			if err != nil {
				return err
			}
			p.Scopes = strings.Fields(strings.Repeat("scope ", 100))
			return nil
		})
		switch {
		case err == nil:
			t.Errorf("write %d on a full disk reported success", i)
		case !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "no space left on device"):
			t.Errorf("write %d: %v; want an error that says the disk is full", i, err)
		default:
			if after, _ := os.ReadFile(s.Path); !bytes.Equal(before, after) {
				t.Errorf("write %d changed the file", i)
				continue
			}
			if i == 0 {
				t.Logf("the error: %v", err)
			}
			survived++
		}
	}
	assertOnlyFileAndLockAnd(t, s, "filler")
	// Room again: the next save works.
	os.Remove(filepath.Join(dir, "filler"))
	if err := s.Update(func(f *File) error { _, err := f.Add(testProfile("Later")); return err }); err != nil {
		t.Errorf("Update once there is room again: %v", err)
	}
	t.Logf("full disk: %d of %d writes refused with a clear error, the old file intact, no temp file left", survived, injected)
}

// assertOnlyFileAndLockAnd checks that no temp file was left next to the
// profiles file, which sits one level below other (in its parent).
func assertOnlyFileAndLockAnd(t *testing.T, s *Store, other string) {
	t.Helper()
	assertOnlyFileAndLock(t, s)
	if _, err := os.Stat(filepath.Join(filepath.Dir(filepath.Dir(s.Path)), other)); err != nil {
		t.Errorf("%s: %v", other, err)
	}
}

// Killed during a write: a helper process saves the file in a loop, each
// save holding a counter and a size that changes, and is SIGKILLed at a
// random moment. Around each save it prints "start" and "done N" (N the
// counter it saved), so the test knows which save a kill interrupted. After
// every kill the file must read as a whole file: the last one saved, or the
// one being saved. A kill counts as mid-write when it left the save's temp
// file behind (after the temp file was created, before it replaced the
// file); a run where no kill did proves nothing, and fails.

const (
	killHelperEnv = "PARTNERDESK_PROFILES_KILL_HELPER"
	killRunsEnv   = "PARTNERDESK_KILL_RUNS" // more kills for a longer run
)

// TestKillHelperProcess is not a test: TestKilledDuring... runs it in a
// process of its own and kills it.
func TestKillHelperProcess(t *testing.T) {
	path := os.Getenv(killHelperEnv)
	if path == "" {
		t.Skip("runs only as a child of TestKilledDuringAWriteTheFileIsOldOrNewNeverBroken")
	}
	s := &Store{Path: path}
	for {
		// Unbuffered: each marker reaches the pipe before the next step.
		os.Stdout.WriteString("start\n")
		saved := 0
		err := s.Update(func(f *File) error {
			n := 0
			if p, ok := f.Find("Counter"); ok {
				n, _ = strconv.Atoi(p.ClientID)
			}
			saved = n + 1
			f.Profiles = nil
			if _, err := f.Add(Profile{Name: "Counter", ClientID: strconv.Itoa(saved), RedirectURI: "https://partner.example.com/cb"}); err != nil {
				return err
			}
			for k := range (n * 7) % 40 { // the size changes from save to save
				if _, err := f.Add(testProfile(fmt.Sprintf("Pad%02d", k))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Stdout.WriteString("done " + strconv.Itoa(saved) + "\n")
	}
}

func TestKilledDuringAWriteTheFileIsOldOrNewNeverBroken(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: it starts 200 processes")
	}
	runs := 200
	if n, err := strconv.Atoi(os.Getenv(killRunsEnv)); err == nil && n > 0 {
		runs = n
	}
	s := tempStore(t)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	last, inSave, midWrite := 0, 0, 0
	for run := range runs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), killHelperEnv+"="+s.Path)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		out := bufio.NewReader(stdout)
		// Wait for the first save to finish, so every run kills a helper
		// that is saving over a file it wrote itself.
		var first string
		for !strings.HasPrefix(first, "done ") {
			if first, err = out.ReadString('\n'); err != nil {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("run %d: the helper did not save: %v\n%s", run, err, stderr.String())
			}
		}
		time.Sleep(time.Duration(rng.IntN(20000)) * time.Microsecond)
		cmd.Process.Signal(syscall.SIGKILL)
		rest, _ := io.ReadAll(out)
		cmd.Wait()

		// What the helper was doing when it died: the last marker it printed.
		markers := strings.Fields(strings.ReplaceAll(first+string(rest), "done ", "done:"))
		lastDone, saving := 0, false
		for _, m := range markers {
			if n, ok := strings.CutPrefix(m, "done:"); ok {
				lastDone, _ = strconv.Atoi(n)
			}
			saving = m == "start"
		}

		data, err := os.ReadFile(s.Path)
		if err != nil {
			t.Fatalf("run %d: after the kill the file is gone: %v", run, err)
		}
		f, err := decode(s.Path, data)
		if err != nil {
			t.Fatalf("run %d: after the kill the file does not read: %v\n%.300s", run, err, data)
		}
		p, ok := f.Find("Counter")
		if !ok {
			t.Fatalf("run %d: the file lost its profile", run)
		}
		n, _ := strconv.Atoi(p.ClientID)
		switch {
		case saving && n != lastDone && n != lastDone+1:
			t.Fatalf("run %d: killed while saving %d over %d, the file holds save %d", run, lastDone+1, lastDone, n)
		case !saving && n != lastDone:
			t.Fatalf("run %d: killed after save %d, the file holds save %d", run, lastDone, n)
		}
		last = n
		if saving {
			inSave++
		}
		// A temp file left behind means the kill came in the middle of a
		// write: those are the kills that matter.
		temps, _ := filepath.Glob(s.Path + ".tmp-*")
		if len(temps) > 0 {
			if !saving {
				t.Errorf("run %d: a temp file was left, yet the helper had finished its save", run)
			}
			midWrite++
			for _, tmp := range temps {
				os.Remove(tmp)
			}
		}
	}
	if names := dirNames(t, s); len(names) != 2 {
		t.Errorf("the directory holds %q (a corrupt-* file would mean a broken save)", names)
	}
	t.Logf("killed during a config write: %d of %d kills survived (%d inside a save, %d of them mid-write, leaving a stray temp file), %d saves in all, the file always the old or the new one",
		runs, runs, inSave, midWrite, last)
	if midWrite == 0 {
		t.Errorf("none of the %d kills landed mid-write (no temp file was ever left), so this run proved nothing; run more kills with %s", runs, killRunsEnv)
	}
}
