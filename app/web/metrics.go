package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// unmatchedRoute labels requests no route answered (the catch-all 404), so
// that scanners probing random paths cannot grow the label set.
const unmatchedRoute = "unmatched"

// observeRequests records every request in the metrics (when they are on),
// labelled by the route pattern, never the path: paths carry survey tokens
// and ids. It wraps the whole chain, so it sees the final status after the
// error handler.
func (s *Server) observeRequests(c *fiber.Ctx) error {
	if s.metrics == nil {
		return c.Next()
	}
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
		err = nil
	}
	// Only the catch-all middleware (mounted on "/") answers a path other
	// than "/" with the pattern "/".
	route := c.Route().Path
	if route == "" || (route == "/" && c.Path() != "/") {
		route = unmatchedRoute
	}
	// The method string is fasthttp's buffer, reused by the next request:
	// the metric keeps its labels, so they are copied.
	s.metrics.Request(strings.Clone(route), strings.Clone(c.Method()), c.Response().StatusCode(), time.Since(start))
	return err
}
