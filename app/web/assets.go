package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"

	"gapmap/static"
)

// Cache lifetimes of static assets: a fingerprinted URL never changes its
// content; the plain URL of an asset may, with the next release.
const (
	immutableCache = "public, max-age=31536000, immutable"
	plainCache     = "public, max-age=300"
)

// brotliLevel trades start-up time for size: on ECharts (1 MB, 2 cores)
// level 9 takes 0.1 s for 297 KB, level 11 2.2 s for 271 KB.
const brotliLevel = 9

// asset is one file of static/ with its encodings, built once.
type asset struct {
	url   string // "/static/js/charts.1a2b3c4d5e6f.js"
	ctype string
	etag  string // strong, of the identity bytes; encodings add a suffix
	raw   []byte
	gz    []byte // nil when gzip does not pay
	br    []byte // nil when brotli does not pay
}

// assetSet is every static asset by its plain name ("js/charts.js") and by
// its fingerprinted name ("js/charts.1a2b3c4d5e6f.js").
type assetSet struct {
	byName map[string]*asset
	byFP   map[string]*asset
}

// embeddedAssets builds the asset set of the embedded static/ tree once per
// process: the files are constants of the binary, so their fingerprints and
// compressed encodings are too, and every Server of a process (tests make
// many) shares the result.
var embeddedAssets = sync.OnceValues(func() (*assetSet, error) { return newAssetSet(static.FS) })

// newAssetSet fingerprints and precompresses every file of fsys.
func newAssetSet(fsys fs.FS) (*assetSet, error) {
	set := &assetSet{byName: map[string]*asset{}, byFP: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("read asset %s: %w", name, err)
		}
		sum := sha256.Sum256(raw)
		fp := hex.EncodeToString(sum[:6])
		ext := path.Ext(name)
		fpName := strings.TrimSuffix(name, ext) + "." + fp + ext
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		a := &asset{url: "/static/" + fpName, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, raw: raw}
		if compressible(ctype) {
			if a.gz, err = gzipped(raw); err != nil {
				return fmt.Errorf("gzip asset %s: %w", name, err)
			}
			if a.br, err = brotlied(raw); err != nil {
				return fmt.Errorf("brotli asset %s: %w", name, err)
			}
		}
		set.byName[name], set.byFP[fpName] = a, a
		return nil
	})
	if err != nil {
		return nil, err
	}
	return set, nil
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") ||
		strings.Contains(ctype, "json") || strings.Contains(ctype, "svg")
}

// worthIt keeps an encoding only when it saves at least a tenth.
func worthIt(enc, raw []byte) []byte {
	if len(enc)*10 > len(raw)*9 {
		return nil
	}
	return enc
}

func gzipped(raw []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return worthIt(b.Bytes(), raw), nil
}

func brotlied(raw []byte) ([]byte, error) {
	var b bytes.Buffer
	w := brotli.NewWriterLevel(&b, brotliLevel)
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return worthIt(b.Bytes(), raw), nil
}

// url is the fingerprinted URL of the asset named like "js/charts.js": the
// template function asset. An unknown name is an error, so that a page
// naming a missing asset fails to render instead of loading nothing.
func (set *assetSet) url(name string) (string, error) {
	a, ok := set.byName[name]
	if !ok {
		return "", fmt.Errorf("no static asset %q", name)
	}
	return a.url, nil
}

// serve answers GET and HEAD of /static/<name>: fingerprinted URLs are immutable; plain
// names keep working with a short cache. The encoding is chosen from
// Accept-Encoding (br, then gzip, then identity) among those built at
// start-up; nothing is compressed per request.
func (set *assetSet) serve(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		return c.Next()
	}
	name, _ := strings.CutPrefix(c.Path(), "/static/")
	a, cache := set.byFP[name], immutableCache
	if a == nil {
		a, cache = set.byName[name], plainCache
	}
	if a == nil {
		return fiber.ErrNotFound
	}
	body, enc, etag := a.raw, "", a.etag
	if a.gz != nil || a.br != nil {
		c.Vary(fiber.HeaderAcceptEncoding)
		switch accepts := acceptedEncodings(c.Get(fiber.HeaderAcceptEncoding)); {
		case a.br != nil && accepts["br"]:
			body, enc = a.br, "br"
		case a.gz != nil && accepts["gzip"]:
			body, enc = a.gz, "gzip"
		}
	}
	if enc != "" {
		etag = strings.TrimSuffix(a.etag, `"`) + "-" + enc + `"`
		c.Set(fiber.HeaderContentEncoding, enc)
	}
	c.Set(fiber.HeaderCacheControl, cache)
	c.Set(fiber.HeaderETag, etag)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), a.etag) {
		c.Response().Header.Del(fiber.HeaderContentEncoding)
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, a.ctype)
	return c.Send(body)
}

// acceptedEncodings reads an Accept-Encoding header: the codings it accepts
// with a non-zero quality ("*" accepts br and gzip unless they are named).
func acceptedEncodings(h string) map[string]bool {
	out := map[string]bool{}
	named := map[string]bool{}
	star := false
	for part := range strings.SplitSeq(h, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		ok := true
		if q, found := strings.CutPrefix(strings.TrimSpace(params), "q="); found {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v <= 0 {
				ok = false
			}
		}
		if coding == "*" {
			star = ok
			continue
		}
		named[coding] = true
		out[coding] = ok
	}
	if star {
		for _, c := range []string{"br", "gzip"} {
			if !named[c] {
				out[c] = true
			}
		}
	}
	return out
}

// etagMatches reports whether an If-None-Match header names any
// representation of the asset whose identity ETag is etag (its encodings
// carry the same content, so any of them is current).
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	base := strings.TrimSuffix(etag, `"`)
	for tag := range strings.SplitSeq(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || tag == etag || tag == base+`-br"` || tag == base+`-gzip"` {
			return true
		}
	}
	return false
}
