package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/dora"
	"gapmap/app/store"
)

// maxEvents is the most events one request may carry.
const maxEvents = 10000

// scopeAllows reports whether a principal's token scopes allow the
// request. A token without scopes has every right of its owner.
func scopeAllows(p *store.Principal, c *fiber.Ctx) bool {
	if p.Scopes == "" {
		return true
	}
	return slices.Contains(strings.Fields(p.Scopes), store.ScopeEventsWrite) && c.Method() == fiber.MethodPost && isEventsPath(c.Path())
}

// isEventsPath reports whether path is one of the two event endpoints,
// /api/v1/teams/{id}/deployments or /incidents.
func isEventsPath(path string) bool {
	rest, ok := strings.CutPrefix(strings.TrimSuffix(path, "/"), "/api/v1/teams/")
	if !ok {
		return false
	}
	id, what, ok := strings.Cut(rest, "/")
	return ok && id != "" && (what == "deployments" || what == "incidents")
}

// eventTeam loads the team of an event or metrics request: 404 for another
// organization's team, 403 for a team the caller may not use (manage: send
// events; else: see its metrics).
func (s *Server) eventTeam(c *fiber.Ctx, manage bool) (int64, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return 0, err
	}
	p := principalOf(c)
	if _, err := s.store.Team(c.UserContext(), p.OrgID, id); err != nil {
		return 0, err
	}
	acc, err := s.accessOf(c)
	if err != nil {
		return 0, err
	}
	switch {
	case manage && !acc.CanManage(id):
		return 0, apperr.Errorf(apperr.EForbidden, "Only admins and the team's leads can send its events.")
	case !manage && !acc.CanSee(id):
		return 0, apperr.Errorf(apperr.EForbidden, "You can see the metrics of your own teams only.")
	}
	return id, nil
}

func (s *Server) apiIngestDeployments(c *fiber.Ctx) error {
	teamID, err := s.eventTeam(c, true)
	if err != nil {
		return err
	}
	deps, err := decodeEvents(c, "deployments", deploymentColumns(), fastDeployments, toDeployment)
	if err != nil {
		return err
	}
	res, err := s.store.IngestDeployments(c.UserContext(), principalOf(c).OrgID, teamID, deps)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) apiIngestIncidents(c *fiber.Ctx) error {
	teamID, err := s.eventTeam(c, true)
	if err != nil {
		return err
	}
	incs, err := decodeEvents(c, "incidents", incidentColumns(), fastIncidents, toIncident)
	if err != nil {
		return err
	}
	res, err := s.store.IngestIncidents(c.UserContext(), principalOf(c).OrgID, teamID, incs)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// decodeEvents reads the events of a request body (JSON or CSV) named
// kind: a good JSON body through fast, anything else by slowEvents.
func decodeEvents[T any](c *fiber.Ctx, kind string, columns []string, fast func([]byte) ([]T, bool), conv func(item) (T, error)) ([]T, error) {
	if !isCSV(c) {
		if out, ok := fast(c.Body()); ok {
			return out, nil
		}
	}
	return slowEvents(c.Body(), isCSV(c), kind, columns, conv)
}

// slowEvents reads the events of a body field by field (eventItems, then
// conv on each item), and names the problem of a bad one.
func slowEvents[T any](body []byte, csv bool, kind string, columns []string, conv func(item) (T, error)) ([]T, error) {
	items, err := eventItems(body, csv, kind, columns)
	if err != nil {
		return nil, err
	}
	out := make([]T, len(items))
	for i, it := range items {
		v, err := conv(it)
		if err != nil {
			return nil, itemError(kind, i, err)
		}
		out[i] = v
	}
	return out, nil
}

// fieldProblem is a problem with one field of one item.
type fieldProblem struct{ field, problem string }

func (e *fieldProblem) Error() string { return e.field + " " + e.problem }

// itemError is the 422 of a bad item: it names the item's index and field.
func itemError(kind string, i int, err error) error {
	var fp *fieldProblem
	if !errors.As(err, &fp) {
		return err
	}
	e := apperr.Field(fp.field, "%s[%d].%s %s.", kind, i, fp.field, fp.problem)
	e.Details = map[string]any{"index": i}
	return e
}

// item is one event as sent, before validation: JSON values, or CSV cells
// turned into the same form.
type item map[string]json.RawMessage

// eventItems reads the items of an event request: one object, an object
// {kind: [...]}, or text/csv with a header row naming the columns.
func eventItems(body []byte, csv bool, kind string, columns []string) ([]item, error) {
	var items []item
	if csv {
		var err error
		if items, err = csvItems(body, kind, columns); err != nil {
			return nil, err
		}
	} else {
		if len(bytes.TrimSpace(body)) == 0 {
			return nil, apperr.Errorf(apperr.EBadRequest, "The request body is empty: send a JSON object or text/csv.")
		}
		var top item
		if err := strictJSON(body, &top); err != nil {
			return nil, apperr.Errorf(apperr.EBadRequest, "The request body is not a JSON object: %s.", jsonProblem(err))
		}
		if list, ok := top[kind]; ok {
			others := 0
			for k, v := range top {
				if k != kind && string(v) != "null" {
					others++
				}
			}
			if others > 0 {
				return nil, apperr.Field(kind, "Send either one item or {%q: [...]} alone.", kind)
			}
			if err := strictJSON(list, &items); err != nil {
				return nil, apperr.Field(kind, "%s must be an array of objects: %s.", kind, jsonProblem(err))
			}
		} else {
			items = []item{top}
		}
	}
	if len(items) > maxEvents {
		return nil, apperr.Field(kind, "At most %d items per request; this one has %d.", maxEvents, len(items))
	}
	for i, it := range items {
		if it == nil {
			return nil, itemError(kind, i, &fieldProblem{"id", "is missing: the item is not an object"})
		}
		for k := range it {
			if !slices.Contains(columns, k) {
				return nil, itemError(kind, i, &fieldProblem{k, "is not a field of " + kind})
			}
		}
	}
	return items, nil
}

func isCSV(c *fiber.Ctx) bool {
	return strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), "text/csv")
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("more than one JSON value")
	}
	return nil
}

// deploymentColumns and incidentColumns are the fields of each kind of
// event, and the CSV columns.
func deploymentColumns() []string {
	return []string{"id", "finished_at", "status", "environment", "commits", "lead_time_seconds"}
}

func incidentColumns() []string { return []string{"id", "started_at", "resolved_at", "deployment_id"} }

// str reads a string field; absent and null give "".
func (it item) str(field string, required bool) (string, error) {
	raw, ok := it[field]
	if !ok || string(raw) == "null" {
		if required {
			return "", &fieldProblem{field, "is required"}
		}
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", &fieldProblem{field, "must be a string"}
	}
	if required && strings.TrimSpace(s) == "" {
		return "", &fieldProblem{field, "is required"}
	}
	return s, nil
}

// when reads an RFC 3339 time field; absent and null give nil.
func (it item) when(field string, required bool) (*time.Time, error) {
	s, err := it.str(field, required)
	if err != nil || s == "" {
		return nil, err
	}
	return parseRFC3339(field, s)
}

func parseRFC3339(field, s string) (*time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return nil, &fieldProblem{field, "must be an RFC 3339 time such as 2026-03-29T14:05:00+02:00"}
	}
	return &t, nil
}

func toDeployment(it item) (dora.Deployment, error) {
	var d dora.Deployment
	var err error
	if d.ID, err = it.str("id", true); err != nil {
		return d, err
	}
	fin, err := it.when("finished_at", true)
	if err != nil {
		return d, err
	}
	d.FinishedAt = *fin
	if d.Status, err = it.str("status", true); err != nil {
		return d, err
	}
	if d.Environment, err = it.str("environment", false); err != nil {
		return d, err
	}
	if raw, ok := it["lead_time_seconds"]; ok && string(raw) != "null" {
		var v float64
		if err := json.Unmarshal(raw, &v); err != nil || v != math.Trunc(v) || math.Abs(v) > dora.MaxLeadTime*2 {
			return d, &fieldProblem{"lead_time_seconds", "must be a whole number of seconds"}
		}
		n := int64(v)
		d.LeadTimeSeconds = &n
	}
	if raw, ok := it["commits"]; ok && string(raw) != "null" {
		var cs []item
		if err := json.Unmarshal(raw, &cs); err != nil {
			return d, &fieldProblem{"commits", `must be an array of {"sha","committed_at"}`}
		}
		for i, c := range cs {
			for k := range c {
				if k != "sha" && k != "committed_at" {
					return d, &fieldProblem{fmt.Sprintf("commits[%d].%s", i, k), "is not a field of a commit"}
				}
			}
			sha, err := c.str("sha", true)
			if err != nil {
				return d, &fieldProblem{fmt.Sprintf("commits[%d].sha", i), err.(*fieldProblem).problem}
			}
			at, err := c.when("committed_at", true)
			if err != nil {
				return d, &fieldProblem{fmt.Sprintf("commits[%d].committed_at", i), err.(*fieldProblem).problem}
			}
			d.Commits = append(d.Commits, dora.Commit{SHA: sha, CommittedAt: *at})
		}
	}
	if field, problem := dora.CheckDeployment(d); field != "" {
		return d, &fieldProblem{field, problem}
	}
	return d, nil
}

func toIncident(it item) (dora.Incident, error) {
	var in dora.Incident
	var err error
	if in.ID, err = it.str("id", true); err != nil {
		return in, err
	}
	start, err := it.when("started_at", true)
	if err != nil {
		return in, err
	}
	in.StartedAt = *start
	if in.ResolvedAt, err = it.when("resolved_at", false); err != nil {
		return in, err
	}
	if in.DeploymentID, err = it.str("deployment_id", false); err != nil {
		return in, err
	}
	if field, problem := dora.CheckIncident(in); field != "" {
		return in, &fieldProblem{field, problem}
	}
	return in, nil
}
