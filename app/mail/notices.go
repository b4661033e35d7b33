package mail

import (
	htmltemplate "html/template"
	"strconv"
	texttemplate "text/template"
)

// ReminderData fills a reminder.
type ReminderData struct {
	Org, Round, Team string
	Link             string // the respondent link; "" when it cannot be sent again
	Due              string // e.g. 2026-12-24
	Unsubscribe      string // the unsubscribe page
}

// MemberInviteData fills the invitation to join an organization.
type MemberInviteData struct {
	Org, Role string
	Link      string
	Valid     string // how long the link works, e.g. "7 days"
}

// RoundSummaryData fills the summary sent to owners and admins when a
// round closes.
type RoundSummaryData struct {
	Org, Round                   string
	Links, Submitted, InProgress int
	NotStarted                   int
	Dashboard                    string
}

var (
	reminderText = texttemplate.Must(texttemplate.New("").Parse(`Hello,

A reminder from {{.Org}}: the maturity survey "{{.Round}}" for the team {{.Team}} is still waiting for your answers{{if .Due}}, and it is due on {{.Due}}{{end}}.
{{if .Link}}
Continue where you left off with your personal link:
{{.Link}}
{{else}}
Use the personal link from the invitation email you received earlier.
{{end}}
You get this because your address was given for this survey. To get no more reminders for it, open:
{{.Unsubscribe}}
`))
	reminderHTML = htmltemplate.Must(htmltemplate.New("").Parse(`<p>Hello,</p>
<p>A reminder from {{.Org}}: the maturity survey “{{.Round}}” for the team {{.Team}} is still waiting for your answers{{if .Due}}, and it is due on {{.Due}}{{end}}.</p>
{{if .Link}}<p><a href="{{.Link}}">Continue with your personal link</a>; your answers so far are kept.</p>
{{else}}<p>Use the personal link from the invitation email you received earlier.</p>
{{end}}<p style="font-size:smaller">You get this because your address was given for this survey. <a href="{{.Unsubscribe}}">No more reminders for this survey</a>.</p>
`))
	memberInviteText = texttemplate.Must(texttemplate.New("").Parse(`Hello,

You are invited to join {{.Org}} on gapmap as {{.Role}}.

To accept, open this link within {{.Valid}}:
{{.Link}}

If you did not expect this invitation, ignore this email.
`))
	memberInviteHTML = htmltemplate.Must(htmltemplate.New("").Parse(`<p>Hello,</p>
<p>You are invited to join {{.Org}} on gapmap as {{.Role}}.</p>
<p><a href="{{.Link}}">Accept the invitation</a> within {{.Valid}}.</p>
<p>If you did not expect this invitation, ignore this email.</p>
`))
	roundSummaryText = texttemplate.Must(texttemplate.New("").Parse(`Hello,

The round "{{.Round}}" of {{.Org}} is closed.

Links: {{.Links}}
Submitted: {{.Submitted}}
In progress when it closed: {{.InProgress}}
Not started: {{.NotStarted}}

The results are on the dashboard:
{{.Dashboard}}
`))
	roundSummaryHTML = htmltemplate.Must(htmltemplate.New("").Parse(`<p>Hello,</p>
<p>The round “{{.Round}}” of {{.Org}} is closed.</p>
<table>
<tr><th align="left">Links</th><td>{{.Links}}</td></tr>
<tr><th align="left">Submitted</th><td>{{.Submitted}}</td></tr>
<tr><th align="left">In progress when it closed</th><td>{{.InProgress}}</td></tr>
<tr><th align="left">Not started</th><td>{{.NotStarted}}</td></tr>
</table>
<p><a href="{{.Dashboard}}">Open the dashboard</a> to see the results.</p>
`))
)

// Reminder writes a reminder to answer a survey. Every value is escaped in
// the HTML part; line breaks are removed from the subject.
func Reminder(d ReminderData) Content {
	return Content{
		Subject: oneLine("Reminder: " + d.Org + " survey for " + d.Team + " (" + d.Round + ")"),
		Text:    execText(reminderText, d),
		HTML:    execHTML(reminderHTML, d),
	}
}

// MemberInvite writes the invitation to join an organization.
func MemberInvite(d MemberInviteData) Content {
	return Content{
		Subject: oneLine("You are invited to join " + d.Org + " on gapmap"),
		Text:    execText(memberInviteText, d),
		HTML:    execHTML(memberInviteHTML, d),
	}
}

// RoundSummary writes the summary of a closed round.
func RoundSummary(d RoundSummaryData) Content {
	return Content{
		Subject: oneLine(d.Org + ": round " + d.Round + " closed, " + strconv.Itoa(d.Submitted) + " of " + strconv.Itoa(d.Links) + " submitted"),
		Text:    execText(roundSummaryText, d),
		HTML:    execHTML(roundSummaryHTML, d),
	}
}
