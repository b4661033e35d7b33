package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// surveyHeaders keeps survey tokens out of Referer headers and caches. It
// is mounted on the prefixes /s and /api/v1/survey, which fiber matches as
// plain string prefixes (/s also matches /signup and /static), so it checks
// the path itself.
func (s *Server) surveyHeaders(c *fiber.Ctx) error {
	if p := c.Path(); strings.HasPrefix(p, "/s/") || strings.HasPrefix(p, "/api/v1/survey/") {
		c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return c.Next()
}
