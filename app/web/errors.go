package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
)

// statusOf maps an application error code to its HTTP status.
func statusOf(code string) int {
	switch code {
	case apperr.EInvalid:
		return fiber.StatusUnprocessableEntity
	case apperr.EBadRequest:
		return fiber.StatusBadRequest
	case apperr.ENotFound:
		return fiber.StatusNotFound
	case apperr.EUnauthorized:
		return fiber.StatusUnauthorized
	case apperr.EForbidden:
		return fiber.StatusForbidden
	case apperr.EConflict:
		return fiber.StatusConflict
	case apperr.EGone:
		return fiber.StatusGone
	case apperr.ETooLarge:
		return fiber.StatusRequestEntityTooLarge
	case apperr.ERateLimited:
		return fiber.StatusTooManyRequests
	case apperr.EUnavailable:
		return fiber.StatusServiceUnavailable
	}
	return fiber.StatusInternalServerError
}

// fromFiber turns fiber's own errors (unknown route, body too large, ...)
// into application errors.
func fromFiber(fe *fiber.Error) *apperr.Error {
	switch fe.Code {
	case fiber.StatusNotFound:
		return apperr.Errorf(apperr.ENotFound, "Page not found.")
	case fiber.StatusMethodNotAllowed:
		return apperr.Errorf(apperr.EBadRequest, "Method not allowed.")
	case fiber.StatusRequestEntityTooLarge:
		return apperr.Errorf(apperr.ETooLarge, "The request body is too large.")
	case fiber.StatusForbidden:
		return apperr.Errorf(apperr.EForbidden, "Forbidden.")
	case fiber.StatusTooManyRequests:
		return apperr.Errorf(apperr.ERateLimited, "Too many requests. Wait a minute and try again.")
	}
	if fe.Code >= 400 && fe.Code < 500 {
		return apperr.Errorf(apperr.EBadRequest, "%s", fe.Message)
	}
	return apperr.Errorf(apperr.EInternal, "internal error")
}

// appErrorOf is the application error that err answers as.
func appErrorOf(err error) *apperr.Error {
	var ae *apperr.Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &fe):
		return fromFiber(fe)
	}
	return apperr.Errorf(apperr.EInternal, "internal error")
}

// handleError is the one place where errors become responses: JSON
// {"error","field"} for the API, an error page for browsers. Internal errors
// are logged with the request id and never shown.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	ae := appErrorOf(err)
	status := statusOf(ae.Code)
	msg := ae.Message
	if status >= 500 {
		s.log.Error("request failed", "id", requestIDOf(c), "route", c.Route().Path, "err", err)
		msg = "Something went wrong on our side. Reference: " + requestIDOf(c)
		if ae.Code == apperr.EUnavailable {
			msg = ae.Message
		}
	}
	if wantsJSON(c) {
		body := fiber.Map{"error": msg}
		if ae.Field != "" {
			body["field"] = ae.Field
		}
		for k, v := range ae.Details {
			body[k] = v
		}
		return c.Status(status).JSON(body)
	}
	if respondentPage(c) {
		return s.renderRespondentError(c, err, ae, status)
	}
	if status == fiber.StatusUnauthorized {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	c.Status(status)
	return s.render(c, "errors/error", fiber.Map{"Title": titleOf(status), "Status": status, "Message": msg})
}

func wantsJSON(c *fiber.Ctx) bool {
	return strings.HasPrefix(c.Path(), "/api/") || strings.HasPrefix(c.Path(), "/healthz") || strings.HasPrefix(c.Path(), "/readyz")
}

func titleOf(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "Not found"
	case fiber.StatusForbidden:
		return "Not allowed"
	case fiber.StatusTooManyRequests:
		return "Too many requests"
	case fiber.StatusConflict:
		return "Not possible now"
	case fiber.StatusGone:
		return "No longer available"
	case fiber.StatusRequestEntityTooLarge:
		return "Too large"
	}
	if status >= 500 {
		return "Something went wrong"
	}
	return "Request not accepted"
}
