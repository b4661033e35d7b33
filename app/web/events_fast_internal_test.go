package web

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"gapmap/app/dora"
)

// slowDeployments is the field-by-field path of the deployments endpoint.
func slowDeployments(body []byte) ([]dora.Deployment, error) {
	return slowEvents(body, false, "deployments", deploymentColumns(), toDeployment)
}

func slowIncidents(body []byte) ([]dora.Incident, error) {
	return slowEvents(body, false, "incidents", incidentColumns(), toIncident)
}

// TestFastPathAcceptsWhatTheSlowOneAccepts builds bodies from good and bad
// pieces and checks that whatever the fast path accepts, the field-by-field
// path accepts too, with the same events.
func TestFastPathAcceptsWhatTheSlowOneAccepts(t *testing.T) {
	ids := []string{`"id":"a"`, `"id":""`, `"id":" "`, `"id":5`, `"id":null`, ``}
	fins := []string{`"finished_at":"2026-03-02T12:00:00+02:00"`, `"finished_at":"2026-03-02"`, `"finished_at":""`, ``, `"finished_at":null`}
	statuses := []string{`"status":"success"`, `"status":"failure"`, `"status":"ok"`, ``, `"status":1`}
	extras := []string{``, `"environment":"staging"`, `"environment":null`, `"environment":""`, `"lead_time_seconds":60`, `"lead_time_seconds":1.5`,
		`"lead_time_seconds":-1`, `"lead_time_seconds":"60"`, `"lead_time_seconds":null`, `"commits":[]`, `"commits":null`,
		`"commits":[{"sha":"x","committed_at":"2026-03-02T09:00:00Z"}]`, `"commits":[{"sha":"x","committed_at":"2026-03-03T09:00:00Z"}]`,
		`"commits":[{"sha":"","committed_at":"2026-03-02T09:00:00Z"}]`, `"commits":[{"sha":"x"}]`, `"commits":[{"sha":"x","committed_at":"2026-03-02T09:00:00Z","who":"ann"}]`,
		`"colour":"red"`, `"deployments":[]`, `"deployments":null`}
	r := rand.New(rand.NewPCG(5, 6))
	join := func(parts ...string) string {
		var kept []string
		for _, p := range parts {
			if p != "" {
				kept = append(kept, p)
			}
		}
		return "{" + strings.Join(kept, ",") + "}"
	}
	item := func() string {
		return join(ids[r.IntN(len(ids))], fins[r.IntN(len(fins))], statuses[r.IntN(len(statuses))], extras[r.IntN(len(extras))], extras[r.IntN(len(extras))])
	}
	fastOK := 0
	for range 3000 {
		var body string
		if r.IntN(2) == 0 {
			body = item()
		} else {
			items := make([]string, r.IntN(4))
			for i := range items {
				items[i] = item()
			}
			body = `{"deployments":[` + strings.Join(items, ",") + `]}`
		}
		fast, ok := fastDeployments([]byte(body))
		if !ok {
			continue
		}
		fastOK++
		slow, err := slowDeployments([]byte(body))
		if err != nil || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%s:\nfast %+v\nslow %+v %v", body, fast, slow, err)
		}
	}
	if fastOK < 100 {
		t.Errorf("the fast path accepted only %d bodies: the test proves little", fastOK)
	}
	for i, body := range []string{
		`{"id":"i","started_at":"2026-03-02T12:00:00Z"}`,
		`{"id":"i","started_at":"2026-03-02T12:00:00Z","resolved_at":"","deployment_id":null}`,
		`{"incidents":[{"id":"i","started_at":"2026-03-02T12:00:00Z","resolved_at":"2026-03-02T13:00:00+01:00","deployment_id":"d"}]}`,
		`{"incidents":[{"id":"i","started_at":"2026-03-02T12:00:00Z","resolved_at":" "}]}`,
		`{"incidents":[]}`,
	} {
		fast, ok := fastIncidents([]byte(body))
		slow, err := slowIncidents([]byte(body))
		if ok && (err != nil || !reflect.DeepEqual(fast, slow)) {
			t.Errorf("incidents %d %s:\nfast %+v\nslow %+v %v", i, body, fast, slow, err)
		}
		if i < 3 && !ok {
			t.Errorf("incidents %d: the fast path refused a good body", i)
		}
	}
	_ = fmt.Sprint
}
