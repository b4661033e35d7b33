package store_test

import (
	"context"
	"regexp"
	"testing"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
)

func TestPasswordReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org, user, err := st.SignUp(ctx, "Acme", "ana@acme.example", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		compose := func(token string) store.NewEmail {
			return store.NewEmail{Subject: "Reset", Text: "link /password/reset/" + token}
		}
		tokenRE := regexp.MustCompile(`pr_[A-Za-z0-9_-]+`)
		request := func(email string) string {
			t.Helper()
			before, _ := st.OutboxPending(ctx)
			if err := st.RequestPasswordReset(ctx, email, compose); err != nil {
				t.Fatalf("request for %q: %v", email, err)
			}
			after, _ := st.OutboxPending(ctx)
			if after == before {
				return ""
			}
			e, err := st.OutboxEmail(ctx, after) // ids start at 1 and nothing else queues here
			if err != nil {
				t.Fatal(err)
			}
			if e.ToAddr != "ana@acme.example" || e.Purpose != "password_reset" {
				t.Fatalf("reset email %+v", e)
			}
			return tokenRE.FindString(e.BodyText)
		}
		for _, unknown := range []string{"nobody@acme.example", "not an address", ""} {
			if tok := request(unknown); tok != "" {
				t.Fatalf("a reset link was sent for %q", unknown)
			}
		}
		tok := request("  ANA@acme.example ")
		if tok == "" {
			t.Fatal("no reset email for the account")
		}
		tests := []struct {
			name, token, password string
			code                  string
		}{
			{"unknown link", "pr_nonsense", "a new long password", apperr.EInvalid},
			{"weak password", tok, "short", apperr.EInvalid},
			{"reset", tok, "a new long password", ""},
			{"used twice", tok, "another long password", apperr.EInvalid},
		}
		for _, tt := range tests {
			err := st.ResetPassword(ctx, tt.token, tt.password)
			if apperr.Code(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Fatalf("%s: err = %v, want code %q", tt.name, err, tt.code)
			}
		}
		if _, err := st.Authenticate(ctx, "ana@acme.example", "a new long password"); err != nil {
			t.Fatalf("the new password does not work: %v", err)
		}
		if _, err := st.Authenticate(ctx, "ana@acme.example", "correct horse battery"); err == nil {
			t.Fatal("the old password still works")
		}
		p, err := st.Principal(ctx, user.ID, org.ID)
		if err != nil || p.SessionsAfter == 0 {
			t.Fatalf("sessions not ended: %+v, %v", p, err)
		}
		entries, _, err := st.AuditLog(ctx, org.ID, store.AuditQuery{Action: store.AuditPasswordReset})
		if err != nil || len(entries) != 1 || entries[0].Target != "ana@acme.example" {
			t.Fatalf("audit entries %+v, %v", entries, err)
		}

		expired := request("ana@acme.example")
		if err := st.Exec(ctx, "UPDATE password_resets SET expires_at = created_at WHERE used_at IS NULL"); err != nil {
			t.Fatal(err)
		}
		if err := st.CheckPasswordReset(ctx, expired); apperr.Code(err) != apperr.EInvalid {
			t.Fatalf("expired link checks as %v", err)
		}
		if err := st.ResetPassword(ctx, expired, "yet another long password"); apperr.Code(err) != apperr.EInvalid {
			t.Fatalf("expired link resets: %v", err)
		}
	})
}
