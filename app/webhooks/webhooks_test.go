package webhooks_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/jobs"
	"gapmap/app/jobs/jobstest"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/app/webhooks"
	"gapmap/models"
	"gapmap/questionnaires"
)

// closedRound makes an organization with a webhook to url for round.closed
// and closes a round, which queues one delivery.
func closedRound(t *testing.T, st *store.Store, url string) (orgID, hookID int64) {
	t.Helper()
	ctx := context.Background()
	org, _, err := st.SignUp(ctx, "Hooks", "hooks@example.com", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	team, err := st.CreateTeam(ctx, org.ID, "Blue")
	if err != nil {
		t.Fatal(err)
	}
	qs, err := questionnaires.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.CreateAssessment(ctx, org.ID, store.AssessmentInput{Name: "Q3", Questionnaires: []store.QuestionnaireChoice{{Q: qs[0]}}, TeamIDs: []int64{team.ID}})
	if err != nil {
		t.Fatal(err)
	}
	hook, err := st.CreateWebhook(ctx, org.ID, store.WebhookInput{URL: url, Events: []string{models.EventRoundClosed}, Secret: "the receiver's secret"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CloseAssessment(ctx, org.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	return org.ID, hook.ID
}

func TestDelivery(t *testing.T) {
	tests := []struct {
		name      string
		fail      int             // 503 answers before 204 (-1: always)
		waits     []time.Duration // clock advances, each followed by a run of due jobs
		status    string
		attempts  int // requests the receiver saw
		errSubstr string
	}{
		{name: "delivered", status: models.DeliveryDelivered, attempts: 1},
		{name: "503 then accepted", fail: 1, waits: []time.Duration{2 * time.Second}, status: models.DeliveryDelivered, attempts: 2},
		{name: "backed off", fail: 2, waits: []time.Duration{2 * time.Second, time.Second, 2 * time.Second}, status: models.DeliveryDelivered, attempts: 3},
		{name: "given up after the age", fail: -1, waits: []time.Duration{2 * time.Second, 3 * time.Hour}, status: models.DeliveryFailed, attempts: 2,
			errSubstr: "given up after 2h0m0s: http://127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				rc := jobstest.StartReceiver(t, tt.fail)
				c := jobstest.NewClock(time.Now().Add(time.Second))
				r := jobs.New(st, jobs.Options{Clock: c.Now, Jitter: func() float64 { return 0 }})
				webhooks.Register(r, st, webhooks.Options{AllowPrivate: true, MaxAge: 2 * time.Hour, Backoff: time.Second, Timeout: 10 * time.Second, Clock: c.Now})
				orgID, hookID := closedRound(t, st, rc.URL+"/hook?k=v")
				jobstest.RunDue(t, r)
				for _, w := range tt.waits {
					c.Advance(w)
					jobstest.RunDue(t, r)
				}
				ds, err := st.WebhookDeliveries(context.Background(), orgID, hookID, 0)
				if err != nil || len(ds) != 1 {
					t.Fatalf("%d deliveries, %v", len(ds), err)
				}
				d := ds[0]
				if d.Status != tt.status {
					t.Fatalf("status %q (last error %q), want %q", d.Status, d.LastError, tt.status)
				}
				if !strings.Contains(d.LastError, tt.errSubstr) || strings.Contains(d.LastError, "k=v") {
					t.Errorf("last error %q, want it to contain %q and no query", d.LastError, tt.errSubstr)
				}
				got := rc.Requests()
				if len(got) != tt.attempts {
					t.Fatalf("receiver saw %d requests, want %d", len(got), tt.attempts)
				}
				for i, req := range got {
					body := req.Body
					if string(body) != d.Payload {
						t.Errorf("request %d body %s, want %s", i, body, d.Payload)
					}
					sig := req.Header.Get("X-Gapmap-Signature")
					if want := webhooks.Sign("the receiver's secret", body); !hmac.Equal([]byte(sig), []byte(want)) {
						t.Errorf("request %d signature %q, want %q", i, sig, want)
					}
					if req.Header.Get("X-Gapmap-Delivery") != d.DeliveryID || req.Header.Get("X-Gapmap-Event") != models.EventRoundClosed {
						t.Errorf("request %d headers %v", i, req.Header)
					}
					if req.URL.RawQuery != "k=v" || req.Header.Get("Content-Type") != "application/json" {
						t.Errorf("request %d to %s, %q", i, req.URL, req.Header.Get("Content-Type"))
					}
					var env store.WebhookEnvelope
					if err := json.Unmarshal(body, &env); err != nil || env.Event != models.EventRoundClosed || env.ID != d.DeliveryID {
						t.Errorf("request %d body %s: %v", i, body, err)
					}
				}
				if tt.status == models.DeliveryDelivered && (d.LastStatus != http.StatusNoContent || d.DeliveredAt == nil) {
					t.Errorf("delivered with last status %d at %v", d.LastStatus, d.DeliveredAt)
				}
				// Nothing is due any more: another run sends nothing.
				c.Advance(time.Hour)
				jobstest.RunDue(t, r)
				if n := len(rc.Requests()); n != tt.attempts {
					t.Errorf("receiver saw %d requests after the end, want %d", n, tt.attempts)
				}
			})
		})
	}
}

// TestConnectTimeCheck: a webhook whose name resolved to a public address
// when it was saved and to a private one now (DNS rebinding) is refused
// when the connection is made, and the receiver sees nothing.
func TestConnectTimeCheck(t *testing.T) {
	st := storetest.SQLite(t)
	rc := jobstest.StartReceiver(t, 0)
	c := jobstest.NewClock(time.Now().Add(time.Second))
	r := jobs.New(st, jobs.Options{Clock: c.Now, Jitter: func() float64 { return 0 }})
	webhooks.Register(r, st, webhooks.Options{Backoff: time.Second, Timeout: 5 * time.Second, Clock: c.Now})
	// The store takes the URL as checked; "localhost" stands for a name
	// that now resolves to loopback.
	orgID, hookID := closedRound(t, st, strings.Replace(rc.URL, "127.0.0.1", "localhost", 1))
	jobstest.RunDue(t, r)
	ds, err := st.WebhookDeliveries(context.Background(), orgID, hookID, 0)
	if err != nil || len(ds) != 1 {
		t.Fatalf("%d deliveries, %v", len(ds), err)
	}
	if ds[0].Status != models.DeliveryQueued || !strings.Contains(ds[0].LastError, "a loopback address") {
		t.Errorf("delivery %q, last error %q", ds[0].Status, ds[0].LastError)
	}
	if n := len(rc.Requests()); n != 0 {
		t.Errorf("the receiver saw %d requests", n)
	}
}

type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, s := range f[host] {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

func TestCheckURL(t *testing.T) {
	res := fakeResolver{
		"hooks.example.com":    {"93.184.216.34"},
		"mixed.example.com":    {"93.184.216.34", "10.1.2.3"},
		"internal.example.com": {"192.168.1.20"},
		"v6.example.com":       {"2606:4700::1111"},
		"metadata.example.com": {"169.254.169.254"},
		"mapped.example.com":   {"::ffff:127.0.0.1"},
		"ula.example.com":      {"fd00:ec2::254"},
	}
	tests := []struct {
		url, want string // want: a part of the error, "" for accepted
	}{
		{"https://hooks.example.com/gapmap", ""},
		{"http://hooks.example.com:8080/in?x=1", ""},
		{"https://v6.example.com/", ""},
		{"https://203.0.113.9/", ""},
		{"", "Give the URL"},
		{"ftp://hooks.example.com/", "must start with https:// or http://"},
		{"javascript:alert(1)", "must start with https:// or http://"},
		{"https:///nohost", "name a host"},
		{"https://user:pw@hooks.example.com/", "user name or password"},
		{"https://hooks.example.com/#top", "#fragment"},
		{"https://hooks.example.com/" + strings.Repeat("a", webhooks.MaxURLLength), "at most 2048"},
		{"https://nowhere.example.com/", "could not be resolved"},
		{"http://127.0.0.1:8080/", "loopback"},
		{"http://[::1]/", "loopback"},
		{"http://localhost.example/", "could not be resolved"},
		{"http://10.0.0.8/", "private"},
		{"https://mixed.example.com/", "10.1.2.3, a private address"},
		{"https://internal.example.com/", "private"},
		{"http://169.254.169.254/latest/meta-data", "link-local"},
		{"https://metadata.example.com/", "link-local"},
		{"https://mapped.example.com/", "127.0.0.1, a loopback address"},
		{"https://ula.example.com/", "private"},
		{"http://100.64.1.1/", "shared"},
		{"http://0.0.0.0/", "unspecified"},
		{"http://0.1.2.3/", "this network"},
		{"http://224.0.0.1/", "multicast"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			err := webhooks.CheckURL(context.Background(), res, tt.url, false)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			ae, ok := apperr.As(err)
			if !ok || ae.Code != apperr.EInvalid || ae.Field != "url" || !strings.Contains(ae.Message, tt.want) {
				t.Fatalf("error %v, want a url field error containing %q", err, tt.want)
			}
		})
	}
	// Tests and closed networks may allow private targets.
	if err := webhooks.CheckURL(context.Background(), res, "http://127.0.0.1:9/", true); err != nil {
		t.Errorf("allowed private: %v", err)
	}
}
