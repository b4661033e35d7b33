package web

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// renderSurveyCached writes a respondent page (in the survey layout)
// through the page cache: build, which returns the template and its view,
// runs only when the cache holds no page for what the request shows. A
// request that carries a flash message is rendered as usual, since the
// message belongs to it alone.
//
// Survey pages show no principal, organization or flash of their own: the
// cache key (cacheKey) holds everything else they show. A survey template
// that starts to show more must add it to the key.
func (s *Server) renderSurveyCached(c *fiber.Ctx, sc *surveyCtx, build func() (string, viewModel, error)) error {
	if c.Cookies(flashCookie) != "" {
		name, v, err := build()
		if err != nil {
			return err
		}
		return s.renderView(c, name, surveyLayout, v)
	}
	key := sc.cacheKey(c.Path())
	p, ok := s.pages.get(key)
	if !ok {
		name, v, err := build()
		if err != nil {
			return err
		}
		ch := v.pageChrome()
		ch.CSRF, ch.CSRFField = csrfValue{marker: string(s.pages.marker)}, csrfField
		ch.Errors = map[string]string{}
		if ch.Title == "" {
			ch.Title = "gapmap"
		}
		ch.Path = c.Path()
		var buf bytes.Buffer
		if err := s.views.Render(&buf, name, v, surveyLayout); err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
		p = s.pages.newCachedPage(key, buf.Bytes())
		s.pages.builds.Add(1)
		s.pages.put(p)
	}
	tok := ""
	if p.needsToken() {
		tok = s.csrfToken(c)
	}
	return p.send(c, tok, s.pages.flate)
}

// cacheKey names a respondent page at path as the survey stands: the
// response and its revision (raised by every change of a stored answer),
// the page the respondent resumes at, the states, names and due date the
// pages show, their language, and the pinned questionnaire versions. Strings are
// length-prefixed so that no two surveys share a key.
func (sc *surveyCtx) cacheKey(path string) string {
	sv := sc.sv
	k := cacheKey{b: make([]byte, 0, 160)}
	str, num := k.str, k.num
	str(path)
	str(sc.lang)
	str(sc.token)
	num(sv.ResponseID)
	num(sv.Revision)
	str(sv.Page)
	str(sv.Status)
	str(sv.AssessmentStatus)
	str(sv.AssessmentName)
	str(sv.TeamName)
	if sv.Due != nil {
		num(sv.Due.Unix())
	} else {
		str("")
	}
	for _, rq := range sv.Questionnaires {
		num(rq.VersionID)
	}
	return string(k.b)
}

// cacheKey builds a cache key of strings, length-prefixed so that no two
// sequences of values share a key, and numbers.
type cacheKey struct{ b []byte }

func (k *cacheKey) str(v string) {
	k.b = strconv.AppendInt(k.b, int64(len(v)), 10)
	k.b = append(k.b, ':')
	k.b = append(k.b, v...)
}

func (k *cacheKey) num(v int64) {
	k.b = strconv.AppendInt(k.b, v, 10)
	k.b = append(k.b, ';')
}
