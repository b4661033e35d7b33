// Package migrations holds the versioned SQL schema of gapmap, one folder per
// database dialect, applied by goose.
package migrations

import "embed"

// FS holds sqlite3/*.sql and postgres/*.sql.
//
//go:embed sqlite3/*.sql postgres/*.sql
var FS embed.FS
