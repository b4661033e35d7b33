package export

import (
	"encoding/csv"
	"fmt"
	"io"
)

// CSVText defuses text for CSV: a value starting with =, +, -, @, a tab or
// a carriage return gets a leading apostrophe, so spreadsheet programs show
// it as text instead of evaluating it. Every CSV this package writes puts
// its text through it.
func CSVText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Link is one survey link as handed out: the team it is for, its label
// (the respondent's name or a note; may be empty) and its URL.
type Link struct {
	Team  string
	Label string
	URL   string
}

// WriteLinksCSV writes survey links as RFC 4180 CSV with the header line
// "team,label,link".
func WriteLinksCSV(w io.Writer, links []Link) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"team", "label", "link"}); err != nil {
		return fmt.Errorf("write links csv: %w", err)
	}
	for _, l := range links {
		if err := cw.Write([]string{CSVText(l.Team), CSVText(l.Label), CSVText(l.URL)}); err != nil {
			return fmt.Errorf("write links csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write links csv: %w", err)
	}
	return nil
}
