package web

import (
	"bytes"
	"compress/flate"
	"container/list"
	"encoding/binary"
	"hash/crc32"
	"sync"
	"sync/atomic"

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
}

// cachedPage is one rendered page, never changed after put.
type cachedPage struct {
	key   string
	parts [][]byte // the HTML, split where the CSRF token goes
	defl  [][]byte // each part deflated on its own: all but the last end in a sync flush, the last is final
	size  int      // of the parts together
}

func newPageCache(max int, marker []byte) *pageCache {
	return &pageCache{max: max, order: list.New(), byKey: map[string]*list.Element{}, marker: marker}
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

// newCachedPage splits a rendered page at the CSRF marker and deflates
// the parts once.
func (pc *pageCache) newCachedPage(key string, html []byte) (*cachedPage, error) {
	p := &cachedPage{key: key, parts: bytes.Split(html, pc.marker)}
	var buf bytes.Buffer
	for i, part := range p.parts {
		p.size += len(part)
		buf.Reset()
		w, err := flate.NewWriter(&buf, flate.DefaultCompression)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(part); err != nil {
			return nil, err
		}
		if i < len(p.parts)-1 {
			err = w.Flush()
		} else {
			err = w.Close()
		}
		if err != nil {
			return nil, err
		}
		p.defl = append(p.defl, bytes.Clone(buf.Bytes()))
	}
	return p, nil
}

// needsToken reports whether the page carries a form (and so a CSRF token).
func (p *cachedPage) needsToken() bool { return len(p.parts) > 1 }

// gzipHeader is a gzip member header: deflate, no flags, no time, unknown OS.
var gzipHeader = [10]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// send writes the page with token in place of the marker: gzip-encoded
// when the client accepts gzip, else plain (and the compress middleware
// then encodes it as for any page). The gzip body is the deflated parts
// with the token between them in stored blocks, which RFC 1951 allows
// anywhere in a stream: nothing is compressed per request.
func (p *cachedPage) send(c *fiber.Ctx, token string) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	if !acceptedEncodings(c.Get(fiber.HeaderAcceptEncoding))["gzip"] {
		body := make([]byte, 0, p.size+len(token)*(len(p.parts)-1))
		for i, part := range p.parts {
			if i > 0 {
				body = append(body, token...)
			}
			body = append(body, part...)
		}
		return c.Send(body)
	}
	n := len(gzipHeader) + 8
	for _, d := range p.defl {
		n += len(d) + 5 + len(token)
	}
	body := make([]byte, 0, n)
	body = append(body, gzipHeader[:]...)
	crc := uint32(0)
	for i, d := range p.defl {
		if i > 0 {
			body = storedBlock(body, token)
			crc = crc32.Update(crc, crc32.IEEETable, []byte(token))
		}
		body = append(body, d...)
		crc = crc32.Update(crc, crc32.IEEETable, p.parts[i])
	}
	size := p.size + len(token)*(len(p.parts)-1)
	body = binary.LittleEndian.AppendUint32(body, crc)
	body = binary.LittleEndian.AppendUint32(body, uint32(size))
	c.Set(fiber.HeaderContentEncoding, "gzip")
	c.Vary(fiber.HeaderAcceptEncoding)
	return c.Send(body)
}

// storedBlock appends b as non-final stored deflate blocks (at most 65,535
// bytes each) to a stream that ends on a byte boundary.
func storedBlock(dst []byte, b string) []byte {
	for first := true; first || len(b) > 0; first = false {
		n := min(len(b), 0xffff)
		dst = append(dst, 0, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		dst = append(dst, b[:n]...)
		b = b[n:]
	}
	return dst
}
