package mail_test

import (
	"strings"
	"testing"

	gmail "gapmap/app/mail"
)

// TestNoticesEscape: every email of app/mail keeps its subject on one line
// and escapes user values in the HTML part, while the text part keeps them
// as typed.
func TestNoticesEscape(t *testing.T) {
	const evil = "Acme <script>x</script>\r\nBcc: x@example.org"
	tests := []struct {
		name string
		c    gmail.Content
	}{
		{"reminder", gmail.Reminder(gmail.ReminderData{Org: evil, Round: evil, Team: evil, Link: "https://g.example/s/s_x", Due: "2030-01-20", Unsubscribe: "https://g.example/unsubscribe/u_x"})},
		{"reminder without link", gmail.Reminder(gmail.ReminderData{Org: evil, Round: evil, Team: evil, Unsubscribe: "https://g.example/unsubscribe/u_x"})},
		{"member invitation", gmail.MemberInvite(gmail.MemberInviteData{Org: evil, Role: "admin", Link: "https://g.example/invite/inv_x", Valid: "7 days"})},
		{"round summary", gmail.RoundSummary(gmail.RoundSummaryData{Org: evil, Round: evil, Links: 3, Submitted: 1, NotStarted: 2, Dashboard: "https://g.example/assessments/1/dashboard"})},
		{"invitation", gmail.Invitation(gmail.InvitationData{Org: evil, Round: evil, Team: evil, Link: "https://g.example/s/s_x"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.ContainsAny(tt.c.Subject, "\r\n") {
				t.Errorf("subject %q has a line break", tt.c.Subject)
			}
			if strings.Contains(tt.c.HTML, "<script>") || !strings.Contains(tt.c.HTML, "&lt;script&gt;") {
				t.Errorf("HTML part does not escape:\n%s", tt.c.HTML)
			}
			if !strings.Contains(tt.c.Text, "<script>") {
				t.Errorf("text part changed the value:\n%s", tt.c.Text)
			}
		})
	}
}
