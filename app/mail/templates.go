package mail

import (
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// Content is the subject and the two bodies of an email.
type Content struct {
	Subject, Text, HTML string
}

// InvitationData fills the invitation email.
type InvitationData struct {
	Org, Round, Team string
	Link             string
	Due              string // optional, e.g. 2026-12-24
}

// ResetData fills the password reset email.
type ResetData struct {
	Link  string
	Valid string // how long the link works, e.g. "one hour"
}

var (
	invitationText = texttemplate.Must(texttemplate.New("").Parse(`Hello,

{{.Org}} asks you to answer the maturity survey "{{.Round}}" for the team {{.Team}}.

Open your personal link to answer (your answers are saved as you go):
{{.Link}}
{{if .Due}}
Please submit by {{.Due}}.
{{end}}
This link is yours: do not forward it.
`))
	invitationHTML = htmltemplate.Must(htmltemplate.New("").Parse(`<p>Hello,</p>
<p>{{.Org}} asks you to answer the maturity survey “{{.Round}}” for the team {{.Team}}.</p>
<p><a href="{{.Link}}">Open your personal link</a> to answer; your answers are saved as you go.</p>
{{if .Due}}<p>Please submit by {{.Due}}.</p>{{end}}
<p>This link is yours: do not forward it.</p>
`))
	resetText = texttemplate.Must(texttemplate.New("").Parse(`Hello,

Someone asked to reset the password of your gapmap account. To choose a new one, open this link within {{.Valid}}:
{{.Link}}

It works once. Choosing a new password signs you out everywhere else.
If you did not ask for this, ignore this email: your password stays as it is.
`))
	resetHTML = htmltemplate.Must(htmltemplate.New("").Parse(`<p>Hello,</p>
<p>Someone asked to reset the password of your gapmap account. To choose a new one, <a href="{{.Link}}">open this link</a> within {{.Valid}}.</p>
<p>It works once. Choosing a new password signs you out everywhere else.</p>
<p>If you did not ask for this, ignore this email: your password stays as it is.</p>
`))
)

// Invitation writes the email that carries a respondent link. Every value
// is escaped in the HTML part; line breaks are removed from the subject.
func Invitation(d InvitationData) Content {
	return Content{
		Subject: oneLine(d.Org + ": your survey for " + d.Team + " (" + d.Round + ")"),
		Text:    execText(invitationText, d),
		HTML:    execHTML(invitationHTML, d),
	}
}

// PasswordReset writes the password reset email.
func PasswordReset(d ResetData) Content {
	return Content{Subject: "Reset your gapmap password", Text: execText(resetText, d), HTML: execHTML(resetHTML, d)}
}

func execText(t *texttemplate.Template, d any) string {
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		panic(err) // the templates and their data are fixed: a failure is a programming error
	}
	return b.String()
}

func execHTML(t *htmltemplate.Template, d any) string {
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		panic(err)
	}
	return b.String()
}

// oneLine replaces line breaks and other control characters by spaces, so
// that no value can add a header.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
