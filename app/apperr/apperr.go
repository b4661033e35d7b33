// Package apperr defines the application's error codes. Domain and storage
// code return them; the web layer maps each code to an HTTP status in one
// place and shows only the message of non-internal errors.
package apperr

import (
	"errors"
	"fmt"
)

// Error codes.
const (
	EInvalid      = "invalid"      // the input is wrong: 422 (or 400)
	ENotFound     = "not_found"    // no such object for this caller: 404
	EUnauthorized = "unauthorized" // not authenticated: 401
	EForbidden    = "forbidden"    // authenticated but not allowed: 403
	EConflict     = "conflict"     // the state forbids it now: 409
	EGone         = "gone"         // it existed but is used up for good: 410
	ETooLarge     = "too_large"    // the body is over the limit: 413
	ERateLimited  = "rate_limited" // too many attempts: 429
	EBadRequest   = "bad_request"  // malformed request: 400
	EInternal     = "internal"     // a bug or an outage: 500, message hidden
	EUnavailable  = "unavailable"  // a dependency is down: 503
)

// Error is an application error with a code, a message safe to show, an
// optional field at fault and optional extra details for API clients.
type Error struct {
	Code    string
	Message string
	Field   string
	Details map[string]any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field returns an EInvalid error naming the field at fault.
func Field(field, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns an ENotFound error for a kind of object.
func NotFound(what string) *Error {
	return &Error{Code: ENotFound, Message: what + " not found"}
}

// Code returns the code of the first *Error in err's chain, EInternal for
// any other non-nil error, and "" for nil.
func Code(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// As returns the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
