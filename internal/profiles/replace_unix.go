//go:build darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd

package profiles

import "os"

// replaceFile is rename(2), atomic on one file system.
func replaceFile(oldpath, newpath string) error {
	return os.Rename(oldpath, newpath)
}

// syncDir flushes dir, so a rename in it survives a power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
