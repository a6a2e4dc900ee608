package profiles

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadTolerantTellsOfADamagedFileAndGoesOnWithNone(t *testing.T) {
	s := tempStore(t)
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Path, []byte(`{"version": 1, "profiles": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	var told []string
	f, err := s.LoadTolerant(func(notice string) { told = append(told, notice) })
	if err != nil || f == nil || len(f.Profiles) != 0 {
		t.Fatalf("LoadTolerant of a damaged file = %v, %v; want an empty file and no error", f, err)
	}
	if len(told) != 1 || !strings.Contains(told[0], "set aside") {
		t.Errorf("the operator was told %q, want where the file was set aside", told)
	}
}

func TestLoadTolerantReturnsEveryOtherError(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "profiles.json", "under-a-file", "profiles.json")}
	if err := os.WriteFile(filepath.Dir(filepath.Dir(s.Path)), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := s.LoadTolerant(func(string) { t.Error("told of a damaged file that is not there") })
	var corrupt *CorruptError
	if err == nil || errors.As(err, &corrupt) {
		t.Errorf("LoadTolerant = %v, want the read's own error", err)
	}
}
