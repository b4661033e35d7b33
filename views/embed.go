// Package views holds gapmap's HTML templates: layouts/, partials/, one
// folder per resource, and errors/.
package views

import "embed"

// FS holds every template.
//
//go:embed */*.html
var FS embed.FS
