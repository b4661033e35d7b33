package web

import (
	"bytes"
	"compress/flate"
	"container/list"
	"encoding/binary"
	"hash/crc32"
	"sync"
	"sync/atomic"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
)

// pageCache keeps rendered respondent pages, so that showing a survey
// page again costs a lookup instead of reading every answer and running
// the templates. A page is keyed by everything it shows (see
// surveyCtx.cacheKey): the link, the response's revision (every stored
// answer change raises it), the round's and team's names and the pinned
// versions. The CSRF token, which differs per browser, is not in the
// page: it is rendered as a random marker, and the page is kept in parts
// split at the marker, plain and deflated, and joined around the
// request's token when sent (see cachedPage.send). The cache is bounded:
// the least recently used page goes when it is full.
type pageCache struct {
	mu     sync.Mutex
	max    int
	order  *list.List // of *cachedPage, most recently used first
	byKey  map[string]*list.Element
	marker []byte       // stands for the CSRF token in rendered pages
	builds atomic.Int64 // pages rendered (cache misses), for tests
	// flate keeps deflate compressors (about 1 MB each) for the pieces
	// compressed per request.
	flate *sync.Pool
}

// cachedPage is one rendered page, never changed after put.
type cachedPage struct {
	key   string
	ctype string
	parts []segment // the page, split where the CSRF token goes; each deflated once, unless whole is set
	size  int       // of the parts together
	// whole, for a page that carries no token and may be sent brotli-
	// compressed, makes each encoding when it is first asked for (it is
	// shared with the page's aliases): a client that takes brotli does not
	// wait for a deflate stream nobody reads, and the reverse (a round's
	// results of 18 MB take 170 ms to brotli and 110 ms to deflate).
	whole *lazyEncodings
}

// lazyEncodings are the compressed forms of one body, each made once.
type lazyEncodings struct {
	brOnce, deflOnce sync.Once
	br               []byte
	defl             segment
}

func (l *lazyEncodings) brotli(plain []byte) []byte {
	l.brOnce.Do(func() {
		var buf bytes.Buffer
		w := brotli.NewWriterLevel(&buf, 6) // 225 KB of results JSON in a few ms
		_, _ = w.Write(plain)               // a bytes.Buffer does not fail
		_ = w.Close()
		l.br = buf.Bytes()
	})
	return l.br
}

func (l *lazyEncodings) deflate(plain []byte) segment {
	l.deflOnce.Do(func() { l.defl = deflateOnce(plain) })
	return l.defl
}

func newPageCache(max int, marker []byte) *pageCache {
	return &pageCache{max: max, order: list.New(), byKey: map[string]*list.Element{}, marker: marker,
		flate: &sync.Pool{New: func() any {
			w, _ := flate.NewWriter(nil, flate.BestSpeed)
			return w
		}}}
}

func (pc *pageCache) get(key string) (*cachedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	el, ok := pc.byKey[key]
	if !ok {
		return nil, false
	}
	pc.order.MoveToFront(el)
	return el.Value.(*cachedPage), true
}

func (pc *pageCache) put(p *cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if el, ok := pc.byKey[p.key]; ok {
		el.Value = p
		pc.order.MoveToFront(el)
		return
	}
	pc.byKey[p.key] = pc.order.PushFront(p)
	for pc.order.Len() > pc.max {
		last := pc.order.Back()
		pc.order.Remove(last)
		delete(pc.byKey, last.Value.(*cachedPage).key)
	}
}

// alias keeps p under key too ("": nothing); the copy shares p's bytes.
func (pc *pageCache) alias(p *cachedPage, key string) {
	if key == "" || key == p.key {
		return
	}
	cp := *p
	cp.key = key
	pc.put(&cp)
}

// newCachedPage splits a rendered page at the CSRF marker and deflates
// the parts once.
func (pc *pageCache) newCachedPage(key string, html []byte) *cachedPage {
	parts := bytes.Split(html, pc.marker)
	return newCachedBody(key, fiber.MIMETextHTMLCharsetUTF8, parts, len(parts) == 1)
}

// newCachedBody keeps parts (to be joined around a token) compressed
// once: each deflated, or, when withBrotli and there is one part, deflated
// or brotli-compressed when first sent so.
func newCachedBody(key, ctype string, parts [][]byte, withBrotli bool) *cachedPage {
	p := &cachedPage{key: key, ctype: ctype}
	if withBrotli && len(parts) == 1 {
		p.parts, p.size, p.whole = []segment{{plain: parts[0]}}, len(parts[0]), &lazyEncodings{}
		return p
	}
	for _, part := range parts {
		p.parts = append(p.parts, deflateOnce(part))
		p.size += len(part)
	}
	return p
}

// needsToken reports whether the page carries a form (and so a CSRF token).
func (p *cachedPage) needsToken() bool { return len(p.parts) > 1 }

// send writes the page with token in place of the marker: brotli- or
// gzip-encoded as the client accepts, else plain (and the compress
// middleware then encodes it as for any page). Nothing is compressed per
// request but the token (see gzipBody).
func (p *cachedPage) send(c *fiber.Ctx, token string, pool *sync.Pool) error {
	c.Set(fiber.HeaderContentType, p.ctype)
	accepts := acceptedEncodings(c.Get(fiber.HeaderAcceptEncoding))
	switch {
	case p.whole != nil && accepts["br"]:
		c.Set(fiber.HeaderContentEncoding, "br")
		c.Vary(fiber.HeaderAcceptEncoding)
		return c.Send(p.whole.brotli(p.parts[0].plain))
	case accepts["gzip"]:
		segs := make([]segment, 0, 2*len(p.parts))
		for i, part := range p.parts {
			if i > 0 {
				segs = append(segs, segment{plain: []byte(token)})
			}
			if p.whole != nil {
				part = p.whole.deflate(part.plain)
			}
			segs = append(segs, part)
		}
		c.Set(fiber.HeaderContentEncoding, "gzip")
		c.Vary(fiber.HeaderAcceptEncoding)
		return c.Send(gzipBody(segs, pool))
	}
	body := make([]byte, 0, p.size+len(token)*(len(p.parts)-1))
	for i, part := range p.parts {
		if i > 0 {
			body = append(body, token...)
		}
		body = append(body, part.plain...)
	}
	return c.Send(body)
}

// segment is a piece of a body sent gzip-encoded: its bytes and, for a
// piece built once and sent many times, its deflate stream (ending in a
// sync flush), or nil for a piece compressed when sent.
type segment struct {
	plain []byte
	defl  []byte
}

// deflateOnce compresses a piece that is sent many times.
func deflateOnce(plain []byte) segment {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.DefaultCompression) // a valid level
	_, _ = w.Write(plain)                                   // a bytes.Buffer does not fail
	_ = w.Flush()
	return segment{plain: plain, defl: buf.Bytes()}
}

// gzipHeader is a gzip member header: deflate, no flags, no time, unknown OS.
var gzipHeader = [10]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// gzipBody encodes segments as one gzip member. Each segment is a run of
// non-final deflate blocks that ends on a byte boundary (a sync flush, or
// stored blocks), so the runs can follow each other: RFC 1951 lets any
// block follow any other, and no run refers back into another. A final
// empty stored block ends the stream. Segments built once are copied;
// short ones built per request are stored, longer ones deflated.
func gzipBody(segs []segment, pool *sync.Pool) []byte {
	n := len(gzipHeader) + 5 + 8
	for _, s := range segs {
		n += len(s.defl) + len(s.plain)/2 + 5
	}
	out := bytes.NewBuffer(make([]byte, 0, n))
	out.Write(gzipHeader[:])
	crc, size := uint32(0), 0
	for _, s := range segs {
		crc = crc32.Update(crc, crc32.IEEETable, s.plain)
		size += len(s.plain)
		switch {
		case s.defl != nil:
			out.Write(s.defl)
		case len(s.plain) < 512:
			out.Write(storedBlock(nil, s.plain))
		default:
			w := pool.Get().(*flate.Writer)
			w.Reset(out)
			_, _ = w.Write(s.plain) // a bytes.Buffer does not fail
			_ = w.Flush()
			pool.Put(w)
		}
	}
	body := append(out.Bytes(), 1, 0, 0, 0xff, 0xff)
	body = binary.LittleEndian.AppendUint32(body, crc)
	return binary.LittleEndian.AppendUint32(body, uint32(size))
}

// storedBlock appends b as non-final stored deflate blocks (at most 65,535
// bytes each) to a stream that ends on a byte boundary.
func storedBlock(dst, b []byte) []byte {
	for first := true; first || len(b) > 0; first = false {
		n := min(len(b), 0xffff)
		dst = append(dst, 0, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		dst = append(dst, b[:n]...)
		b = b[n:]
	}
	return dst
}
