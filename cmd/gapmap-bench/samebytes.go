package main

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/valyala/fasthttp"
)

// captured is one answer of gapmap, decompressed, to be sent again by the
// same-bytes baseline.
type captured struct {
	Name        string
	Plain       []byte
	ContentType string
	Encoding    string // Content-Encoding gapmap chose for a browser's Accept-Encoding
	SentBytes   int    // size of gapmap's body as sent
}

// capture requests uri from gapmap once and keeps the decompressed body.
func capture(c *client, name, uri string, headers map[string]string) (captured, error) {
	r, err := c.do(fiber.MethodGet, uri, nil, headers)
	if err != nil {
		return captured{}, fmt.Errorf("capture %s: %w", name, err)
	}
	if r.Status != fiber.StatusOK {
		return captured{}, fmt.Errorf("capture %s: GET %s: status %d: %.200s", name, uri, r.Status, r.Body)
	}
	plain, err := r.plain()
	if err != nil {
		return captured{}, fmt.Errorf("capture %s: decompress %q: %w", name, r.ContentEncoding, err)
	}
	return captured{Name: name, Plain: plain, ContentType: r.ContentType, Encoding: r.ContentEncoding, SentBytes: len(r.Body)}, nil
}

// startSameBytes starts the same-bytes baseline: bare Fiber with the
// compression gapmap uses (fiber's compress middleware at LevelBestSpeed,
// or gzip at the same level for pages gapmap sent gzip-encoded to a
// browser that accepts br too), answering GET /{name} with the captured
// body and content type, compressed per request, and nothing else. It checks that it answers a browser with the encoding
// gapmap chose.
func startSameBytes(pages []captured) (running, error) {
	r, err := serveFiber(func(app *fiber.App) {
		app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed}))
		for _, p := range pages {
			p := p
			app.Get("/"+p.Name, func(c *fiber.Ctx) error {
				c.Set(fiber.HeaderContentType, p.ContentType)
				if p.Encoding == "gzip" {
					// gapmap chose gzip although the client accepts br:
					// compress as the middleware would, but with gzip.
					c.Set(fiber.HeaderContentEncoding, "gzip")
					c.Vary(fiber.HeaderAcceptEncoding)
					return c.Send(fasthttp.AppendGzipBytesLevel(nil, p.Plain, fasthttp.CompressBestSpeed))
				}
				return c.Send(p.Plain)
			})
		}
	})
	if err != nil {
		return r, err
	}
	c := newClient(r.Addr)
	for _, p := range pages {
		got, err := c.do(fiber.MethodGet, "/"+p.Name, nil, nil)
		if err == nil && (got.Status != fiber.StatusOK || got.ContentEncoding != p.Encoding) {
			err = fmt.Errorf("same-bytes baseline of %s: status %d, encoding %q, want 200 and %q", p.Name, got.Status, got.ContentEncoding, p.Encoding)
		}
		if err != nil {
			_ = r.Close()
			return r, err
		}
	}
	return r, nil
}
