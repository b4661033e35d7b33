// Package i18n holds the message catalogs of the respondent-facing interface
// (survey pages, the open-link join page, their messages and the survey
// script's status texts) and picks languages for respondents.
//
// Messages are looked up by key (such as "survey.nav.next") in a
// golang.org/x/text/message catalog built from the tables in en.go and de.go;
// English is the fallback. Leaders' pages are not translated.
//
// A word that depends on a count is written {N:one|other} in a table: N is
// the argument (1-based) whose number chooses, by the language's plural
// rules, between the form for one and the form for other counts
// ("%d of %d {2:question|questions}" reads "1 of 1 question"). New turns
// such a message into plural.Selectf cases (see compile).
package i18n

import (
	"fmt"
	"html/template"
	"regexp"
	"slices"
	"strconv"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// English is the catalog's fallback language.
const English = "en"

// Catalog is the set of interface messages in every shipped language. It is
// read-only after New and safe for concurrent use.
type Catalog struct {
	tags     []language.Tag // English first
	matcher  language.Matcher
	printers map[string]*message.Printer
	keys     map[string]bool // the English keys: every known message
}

// tables returns the messages of every shipped language by tag.
func tables() map[string]map[string]string {
	return map[string]map[string]string{English: english(), "de": german()}
}

// New builds the catalog from the shipped tables. It fails when a language
// has a key English lacks, so a typo in a table stops start-up.
func New() (*Catalog, error) {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	c := &Catalog{printers: map[string]*message.Printer{}, keys: map[string]bool{}}
	for key := range english() {
		c.keys[key] = true
	}
	all := tables()
	langs := make([]string, 0, len(all))
	for tag := range all {
		langs = append(langs, tag)
	}
	slices.Sort(langs)
	langs = append([]string{English}, slices.DeleteFunc(langs, func(s string) bool { return s == English })...)
	for _, tag := range langs {
		t := language.MustParse(tag)
		for key, msg := range all[tag] {
			if !c.keys[key] {
				return nil, fmt.Errorf("i18n: %s message %q has no English original", tag, key)
			}
			if err := b.Set(t, key, compile(msg)); err != nil {
				return nil, fmt.Errorf("i18n: %s message %q: %w", tag, key, err)
			}
		}
		c.tags = append(c.tags, t)
		c.printers[tag] = message.NewPrinter(t, message.Catalog(b))
	}
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

// Languages lists the catalog's languages, English first.
func (c *Catalog) Languages() []string {
	out := make([]string, len(c.tags))
	for i, t := range c.tags {
		out[i] = t.String()
	}
	return out
}

// Interface returns the catalog language that serves lang (de-AT → de),
// English when none does.
func (c *Catalog) Interface(lang string) string {
	tag, err := language.Parse(lang)
	if err != nil {
		return English
	}
	_, i, conf := c.matcher.Match(tag)
	if conf == language.No {
		return English
	}
	return c.tags[i].String()
}

// Has reports whether key is a known message.
func (c *Catalog) Has(key string) bool { return c.keys[key] }

// T formats the message key in the catalog language serving lang, with
// fmt-style args. An unknown key is an error.
func (c *Catalog) T(lang, key string, args ...any) (string, error) {
	if !c.keys[key] {
		return "", fmt.Errorf("i18n: unknown message %q", key)
	}
	for i, a := range args {
		if n, ok := a.(int); ok {
			args[i] = plain(n)
		}
	}
	return c.printers[c.Interface(lang)].Sprintf(key, args...), nil
}

// plain prints a whole number without digit grouping (2000, not 2,000 or
// 2.000), as the pages print numbers elsewhere and inputs accept them.
type plain int

func (p plain) Format(f fmt.State, _ rune) { fmt.Fprint(f, int(p)) }

// PluralForm is the number's plural form in language t, so that a
// plural.Selectf of a plain argument chooses by its value.
func (p plain) PluralForm(t language.Tag, _ int) (plural.Form, int) {
	n := int(p)
	if n < 0 {
		n = -n
	}
	return plural.Cardinal.MatchPlural(t, n, 0, 0, 0, 0), n
}

// countedWord is a word of a table message chosen by a count: {N:one|other}.
var countedWord = regexp.MustCompile(`\{([1-9]):([^{}|]*)\|([^{}|]*)\}`)

// compile turns a table message into a catalog message: the text itself
// when it counts nothing, else a plural.Selectf on the first counted
// argument whose cases are the whole message with that argument's words
// chosen, and so on for the next argument. Whole messages, not
// catalog.Var: x/text formats the text between variables piece by piece
// and marks the arguments a piece leaves over as %!(EXTRA …), which breaks
// a counted word that comes before the last verb.
func compile(msg string) catalog.Message {
	m := countedWord.FindStringSubmatch(msg)
	if m == nil {
		return catalog.String(msg)
	}
	arg, _ := strconv.Atoi(m[1])
	choose := func(form int) catalog.Message {
		return compile(countedWord.ReplaceAllStringFunc(msg, func(w string) string {
			g := countedWord.FindStringSubmatch(w)
			if g[1] != m[1] {
				return w
			}
			return g[form]
		}))
	}
	return plural.Selectf(arg, "%d", "one", choose(2), "other", choose(3))
}

// MustT is T for keys written in the code, which tests check exist: an
// unknown key gives the key itself.
func (c *Catalog) MustT(lang, key string, args ...any) string {
	s, err := c.T(lang, key, args...)
	if err != nil {
		return key
	}
	return s
}

// HTML formats a message that holds markup (such as <strong>): the
// message is trusted, the args are escaped unless they are template.HTML.
func (c *Catalog) HTML(lang, key string, args ...any) (template.HTML, error) {
	esc := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case template.HTML:
			esc[i] = string(v)
		case string:
			esc[i] = template.HTMLEscapeString(v)
		case fmt.Stringer:
			esc[i] = template.HTMLEscapeString(v.String())
		default:
			esc[i] = a
		}
	}
	s, err := c.T(lang, key, esc...)
	return template.HTML(s), err //nolint:gosec // the message is ours, the args are escaped
}

// Messages returns the messages of the catalog language serving lang whose
// keys start with prefix, for the survey script.
func (c *Catalog) Messages(lang, prefix string) map[string]string {
	out := map[string]string{}
	p := c.printers[c.Interface(lang)]
	for key := range c.keys {
		if len(key) >= len(prefix) && key[:len(prefix)] == prefix {
			out[key] = p.Sprintf(key)
		}
	}
	return out
}

// Keys returns the keys of the table of one language, for tests.
func Keys(lang string) []string {
	var out []string
	for k := range tables()[lang] {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
