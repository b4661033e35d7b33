// Package orgexport writes everything gapmap holds about one organization
// into a zip file: a JSON Lines file per kind of data (store.OrgTables,
// secrets left out), the YAML of its questionnaires, and a manifest with
// each file's row count, size and SHA-256.
package orgexport

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"gapmap/app/store"
)

// Format names the layout of the archive, for tools that read it.
const Format = "gapmap-organization-export/1"

// File is one entry of the manifest.
type File struct {
	Name   string `json:"name"`
	Rows   *int64 `json:"rows,omitempty"` // JSON Lines files: the number of lines
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Manifest describes an archive; it is its last entry, manifest.json.
type Manifest struct {
	Format       string    `json:"format"`
	Organization OrgRef    `json:"organization"`
	ExportedAt   time.Time `json:"exported_at"`
	Files        []File    `json:"files"`
}

// OrgRef names the exported organization.
type OrgRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Write writes the archive of organization orgID to w and returns its
// manifest.
func Write(ctx context.Context, st *store.Store, orgID int64, w io.Writer, now time.Time) (*Manifest, error) {
	org, err := st.Org(ctx, orgID)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Format: Format, Organization: OrgRef{ID: org.ID, Name: org.Name}, ExportedAt: now.UTC().Truncate(time.Second)}
	zw := zip.NewWriter(w)
	for _, t := range store.OrgTables() {
		var rows int64
		f, err := entry(zw, t.File, now, func(out io.Writer) error {
			enc := json.NewEncoder(out)
			return st.StreamOrgRows(ctx, t, orgID, func(row map[string]any) error {
				rows++
				return enc.Encode(row)
			})
		})
		if err != nil {
			return nil, err
		}
		f.Rows = &rows
		m.Files = append(m.Files, *f)
	}
	sources, err := st.OrgQuestionnaireSources(ctx, orgID)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(sources))
	for n := range sources {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f, err := entry(zw, "questionnaires/"+n, now, func(out io.Writer) error {
			_, err := io.WriteString(out, sources[n])
			return err
		})
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, *f)
	}
	mw, err := zw.CreateHeader(&zip.FileHeader{Name: "manifest.json", Method: zip.Deflate, Modified: now})
	if err != nil {
		return nil, fmt.Errorf("write manifest: %w", err)
	}
	enc := json.NewEncoder(mw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("write manifest: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("finish archive: %w", err)
	}
	return m, nil
}

// entry writes one file into the archive through fill and returns its size
// and digest.
func entry(zw *zip.Writer, name string, now time.Time, fill func(io.Writer) error) (*File, error) {
	zf, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", name, err)
	}
	h := sha256.New()
	c := &counter{}
	if err := fill(io.MultiWriter(zf, h, c)); err != nil {
		return nil, fmt.Errorf("write %s: %w", name, err)
	}
	return &File{Name: name, Bytes: c.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
