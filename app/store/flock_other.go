//go:build !unix

package store

import (
	"errors"
	"os"
)

// flock is not available here: holding is a no-op and a restore always
// fails, so it never overwrites a database a server might hold.
func flock(_ *os.File, exclusive bool) error {
	if exclusive {
		return errors.New("file locks are not supported on this system")
	}
	return nil
}
