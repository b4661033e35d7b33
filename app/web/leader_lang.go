package web

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"gapmap/app/results"
	"gapmap/app/scoring"
	"gapmap/app/store"
	"gapmap/questionnaires"
)

// readingLangKey holds, in a request's context, the language a leader
// chose with ?lang= for the questionnaire texts of dashboards, reports,
// results and exports. The interface of those pages stays English.
type readingLangKey struct{}

// readingLanguage reads ?lang= on the round's pages and API: a well-formed
// BCP 47 tag is kept in the request's context for loadRound. Other values
// are ignored, so the questionnaire's own language is shown.
func (s *Server) readingLanguage(c *fiber.Ctx) error {
	if l := c.Query("lang"); l != "" {
		if tag, err := language.Parse(l); err == nil {
			c.SetUserContext(context.WithValue(c.UserContext(), readingLangKey{}, tag.String()))
		}
	}
	return c.Next()
}

// readingLang is the language chosen for the request, "" for the
// questionnaires' own.
func readingLang(ctx context.Context) string {
	l, _ := ctx.Value(readingLangKey{}).(string)
	return l
}

// localizeRound returns the round in the language of the round that best
// matches lang (as the picker and the dashboard's cache key match it):
// its questionnaires localized and its results relabelled to match; r
// itself when nothing changes. The scores are the stored ones.
func localizeRound(r *results.Round, lang string) *results.Round {
	if r == nil || lang == "" {
		return r
	}
	out := &results.Round{Questionnaires: slices.Clone(r.Questionnaires), Results: slices.Clone(r.Results)}
	changed := false
	best, ok := matchLanguage(offeredLanguages(r.Questionnaires), language.Make(lang))
	if !ok {
		return r
	}
	for i, q := range r.Questionnaires {
		lq := q.Localized(best)
		if lq == q {
			continue
		}
		changed = true
		out.Questionnaires[i] = lq
		if i < len(out.Results) {
			out.Results[i] = scoring.Localize(out.Results[i], lq)
		}
	}
	if !changed {
		return r
	}
	return out
}

// readingLink is one entry of a leader page's language picker.
type readingLink struct {
	Tag, Name, Href string
	Current         bool
}

// readingLinks lists the languages the questionnaires offer, for the
// picker of a leader page; nil with one language. Names are in their own
// language.
func readingLinks(ctx context.Context, qs []*questionnaires.Questionnaire) []readingLink {
	offered := offeredLanguages(qs)
	if len(offered) < 2 {
		return nil
	}
	cur := offered[0]
	if l := readingLang(ctx); l != "" {
		if m, ok := matchLanguage(offered, language.Make(l)); ok {
			cur = m
		}
	}
	out := make([]readingLink, 0, len(offered))
	for _, l := range offered {
		name := display.Self.Name(language.Make(l))
		if name == "" {
			name = l
		}
		out = append(out, readingLink{Tag: l, Name: name, Current: l == cur})
	}
	return out
}

// readingPicker is the language picker of a leader page at path showing
// round id: links to path?lang=<tag> when the round's questionnaires offer
// more than one language, else nil.
func (s *Server) readingPicker(c *fiber.Ctx, orgID, id int64) []readingLink {
	pinned, err := s.store.PinnedQuestionnaires(c.UserContext(), orgID, id)
	if err != nil {
		return nil
	}
	qs := make([]*questionnaires.Questionnaire, len(pinned))
	for i, p := range pinned {
		qs[i] = p.Q
	}
	return pickerLinks(c, qs)
}

// roundReadingPicker is readingPicker of a round already read (its pinned
// versions, whose parsed definitions the store keeps): no query.
func (s *Server) roundReadingPicker(c *fiber.Ctx, a *store.AssessmentInfo) []readingLink {
	qs, err := s.pinnedQuestionnaires(c.UserContext(), a.Questionnaires)
	if err != nil {
		return nil
	}
	return pickerLinks(c, qs)
}

// pickerLinks are the picker's links of a round with questionnaires qs.
func pickerLinks(c *fiber.Ctx, qs []*questionnaires.Questionnaire) []readingLink {
	links := readingLinks(c.UserContext(), qs)
	for i := range links {
		links[i].Href = c.Path() + "?lang=" + url.QueryEscape(links[i].Tag)
	}
	return links
}

// withReadingLang adds the request's ?lang= to a link of the same round,
// so the report's Markdown and workbook links keep the language chosen.
func withReadingLang(c *fiber.Ctx, u string) string {
	l := readingLang(c.UserContext())
	if l == "" {
		return u
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "lang=" + url.QueryEscape(l)
}

// currentLang is the language a picker shows as chosen, "" without a
// picker: one of the round's own languages, so that cache keys take only
// the few values the questionnaires offer, whatever ?lang= says.
func currentLang(links []readingLink) string {
	for _, l := range links {
		if l.Current {
			return l.Tag
		}
	}
	return ""
}
