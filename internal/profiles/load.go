package profiles

import "errors"

// LoadTolerant loads the profiles file as the app and the commands read it:
// a damaged file, set aside by Load (*CorruptError), is reported to notice
// (when not nil), in the operator's words, and the caller goes on with what
// is left, an empty File. Any other error is returned as it is.
func (s *Store) LoadTolerant(notice func(string)) (*File, error) {
	f, err := s.Load()
	var corrupt *CorruptError
	if errors.As(err, &corrupt) {
		if notice != nil {
			notice(corrupt.Error())
		}
		return f, nil
	}
	return f, err
}
