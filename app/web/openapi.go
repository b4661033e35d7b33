package web

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPIDocument is the OpenAPI 3.1 description of every /api/v1 route;
// openapi_test.go checks it against the route table and validates real
// requests and responses with it.
//
//go:embed openapi.json
var openAPIDocument string

// openAPI answers GET /api/v1/openapi.json.
func (s *Server) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.SendString(openAPIDocument)
}
