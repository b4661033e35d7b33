package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"gapmap/app/apperr"
)

// csvItems reads text/csv events: a header row of field names, then one
// item per row. Empty cells are absent fields. lead_time_seconds is a
// number; commits is "sha@committed_at" pairs separated by ";". Each row
// becomes the item its JSON form would be, so that both go through the
// same checks and give the same results.
func csvItems(body []byte, kind string, columns []string) ([]item, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, apperr.Errorf(apperr.EBadRequest, "The CSV body is empty: send a header row naming the fields.")
	}
	if err != nil {
		return nil, apperr.Errorf(apperr.EBadRequest, "The CSV body cannot be read: %s.", err)
	}
	header = slices.Clone(header)
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if !slices.Contains(columns, h) {
			return nil, apperr.Field(h, "Column %q is not a field of %s (the fields are %s).", h, kind, strings.Join(columns, ", "))
		}
		if slices.Index(header[:i], h) >= 0 {
			return nil, apperr.Field(h, "Column %q appears twice.", h)
		}
	}
	var items []item
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, apperr.Errorf(apperr.EBadRequest, "The CSV body cannot be read: %s.", err)
		}
		if len(items) == maxEvents {
			return nil, apperr.Field(kind, "At most %d items per request.", maxEvents)
		}
		it := item{}
		for i, cell := range rec {
			if cell == "" {
				continue
			}
			switch header[i] {
			case "lead_time_seconds":
				it[header[i]] = csvNumber(cell)
			case "commits":
				it[header[i]] = csvCommits(cell)
			default:
				it[header[i]] = jsonString(cell)
			}
		}
		items = append(items, it)
	}
	return items, nil
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// csvNumber is a number cell as JSON: the number, or the text as a string
// (which then fails the field's check like a string in JSON would).
func csvNumber(s string) json.RawMessage {
	s = strings.TrimSpace(s)
	if _, err := strconv.ParseFloat(s, 64); err == nil && json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	return jsonString(s)
}

// csvCommits turns "sha@committed_at;sha@committed_at" into the commits'
// JSON array. A pair without "@" has no committed_at.
func csvCommits(s string) json.RawMessage {
	type commit struct {
		SHA         string  `json:"sha"`
		CommittedAt *string `json:"committed_at,omitempty"`
	}
	var out []commit
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		c := commit{SHA: part}
		if i := strings.LastIndex(part, "@"); i >= 0 {
			at := part[i+1:]
			c.SHA, c.CommittedAt = part[:i], &at
		}
		out = append(out, c)
	}
	b, _ := json.Marshal(out)
	return b
}
