package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
)

// paramID reads a positive integer route parameter; anything else is 404.
func paramID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFound(strings.TrimSuffix(name, "_id"))
	}
	return id, nil
}

// queryID reads an optional positive integer query parameter (0 if absent).
func queryID(c *fiber.Ctx, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Field(name, "%s must be a positive whole number.", name)
	}
	return id, nil
}

// formInt reads a required integer form field.
func formInt(c *fiber.Ctx, name string) (int64, error) {
	v, err := strconv.ParseInt(strings.TrimSpace(c.FormValue(name)), 10, 64)
	if err != nil {
		return 0, apperr.Field(name, "Choose a valid value for %s.", name)
	}
	return v, nil
}

// decodeJSON decodes a JSON request body strictly: one object, no unknown
// fields. Errors name the problem.
func decodeJSON(c *fiber.Ctx, v any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.Errorf(apperr.EBadRequest, "The request body is empty: send a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apperr.Errorf(apperr.EBadRequest, "The request body is not valid JSON: %s.", jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.Errorf(apperr.EBadRequest, "The request body must hold exactly one JSON value.")
	}
	return nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q must be %s", te.Field, te.Type.String())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "it ends too early"
	}
	return "it cannot be read"
}

// formIDs reads every value of a repeated form field as positive ids.
func formIDs(c *fiber.Ctx, name string) ([]int64, error) {
	var ids []int64
	for _, v := range c.Context().PostArgs().PeekMulti(name) {
		id, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || id <= 0 {
			return nil, apperr.Field(name, "Choose valid entries for %s.", name)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
