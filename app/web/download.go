package web

import (
	"bufio"
	"fmt"
	"io"
	"mime"
	"os"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Every download (workbook, responses CSV, links CSV, report Markdown) is
// sent by sendFile, named by export.FileName.

const (
	mimeXLSX     = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mimeCSV      = "text/csv; charset=utf-8"
	mimeMarkdown = "text/markdown; charset=utf-8"
)

// Dispositions of a download: saved as a file, or shown in the browser.
const (
	attachment = "attachment"
	inline     = "inline"
)

// sendFile sends a download: write fills it through a temporary file, so
// that a failure half-way still gives an error status, and the response is
// streamed from disk instead of held in memory a second time.
func sendFile(c *fiber.Ctx, disposition, name, contentType string, write func(io.Writer) error) error {
	f, err := os.CreateTemp("", "gapmap-download-*")
	if err != nil {
		return fmt.Errorf("download: temporary file: %w", err)
	}
	body := &tempBody{File: f}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	var size int64
	if err == nil {
		size, err = f.Seek(0, io.SeekCurrent)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		body.Close()
		return fmt.Errorf("download %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(disposition, name))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Response().SetBodyStream(body, int(size))
	return nil
}

// tempBody is a temporary file that removes itself when the response body
// is closed.
type tempBody struct{ *os.File }

func (t *tempBody) Close() error {
	err := t.File.Close()
	_ = os.Remove(t.File.Name())
	return err
}

// contentDisposition is the Content-Disposition header of a download
// (RFC 6266), written by mime.FormatMediaType: an ASCII name as filename; a
// name outside ASCII as filename* in UTF-8 (RFC 8187), after an ASCII
// filename for older clients in which every other character is "_".
func contentDisposition(disposition, name string) string {
	exact := mime.FormatMediaType(disposition, map[string]string{"filename": name})
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f {
			return '_'
		}
		return r
	}, name)
	if !strings.Contains(exact, "filename*=") {
		return exact
	}
	return mime.FormatMediaType(disposition, map[string]string{"filename": fallback}) +
		strings.TrimPrefix(exact, disposition)
}
