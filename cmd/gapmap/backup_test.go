package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// liveServer is gapmap serve running in this process, as the binary runs it.
type liveServer struct {
	addr, metricsAddr string
	out, errOut       *syncBuffer // what it printed
	stop              func()
}

// startServer runs gapmap serve on db with a free port and returns once it
// listens; the test's end stops it.
func startServer(t *testing.T, db string, extra ...string) *liveServer {
	t.Helper()
	return startRun(t, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, extra...), nil)
}

// startRun runs gapmap with args (which make it serve on a free port) and
// the environment env, and returns once it listens; stop ends it and
// checks that it stopped cleanly, and the test's end stops it.
func startRun(t *testing.T, args []string, env map[string]string) *liveServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &liveServer{out: &syncBuffer{}, errOut: &syncBuffer{}}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, s.out, s.errOut, func(k string) string { return env[k] })
	}()
	listening := regexp.MustCompile(`msg="gapmap listening" url=\S+ addr=(\S+)`)
	metricsRe := regexp.MustCompile(`msg="metrics listening" addr=(\S+)`)
	deadline := time.Now().Add(60 * time.Second)
	for s.addr == "" {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("gapmap %q ended early: %v\n%s", args, err, s.errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("gapmap %q did not start; stdout:\n%s\nstderr:\n%s", args, s.out.String(), s.errOut.String())
		}
		if m := listening.FindStringSubmatch(s.errOut.String()); m != nil {
			s.addr = m[1]
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if m := metricsRe.FindStringSubmatch(s.errOut.String()); m != nil {
		s.metricsAddr = m[1]
	}
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			// Idle keep-alive connections of this test's clients would hold
			// the graceful shutdown until they time out.
			httpClient.CloseIdleConnections()
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("gapmap %q stopped with %v", args, err)
				}
			case <-time.After(30 * time.Second):
				t.Errorf("gapmap %q did not stop after its context ended", args)
			}
		})
	}
	t.Cleanup(s.stop)
	return s
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

// call sends a JSON request and decodes a JSON answer into out.
func call(addr, method, path, bearer string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "http://"+addr+path, rd)
	if err != nil {
		return 0, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode %s %s: %w", method, path, err)
		}
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s = %d: %.300s", method, path, resp.StatusCode, data)
	}
	return resp.StatusCode, nil
}

type surveyJSON struct {
	Questionnaires []struct {
		Key        string `json:"key"`
		Dimensions []struct {
			Questions []struct {
				Key     string `json:"key"`
				Options []struct {
					Key string `json:"key"`
				} `json:"options"`
			} `json:"questions"`
		} `json:"dimensions"`
	} `json:"questionnaires"`
	Answers []struct {
		Questionnaire string `json:"questionnaire"`
		Question      string `json:"question"`
		Revision      int64  `json:"revision"`
	} `json:"answers"`
}

// ackedAnswer is an answer the server acknowledged: the response revision
// its save returned.
type ackedAnswer struct {
	token, question string // question is "<questionnaire>/<question>"
	revision        int64
}

// TestBackupUnderLoadAndRestore runs autosave load against a running
// server, takes a backup in the middle, and restores it: restore is refused
// while the server holds the database; every answer acknowledged before the
// backup started is in the restored database, and a server started on it
// serves them.
func TestBackupUnderLoadAndRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "gapmap.db")
	env := map[string]string{"GAPMAP_DATABASE": db}
	if r := invoke(t, env, "admin", "create-org", "--name", "Ops org", "--email", "ops@example.com", "--password", "correct horse battery"); r.err != nil {
		t.Fatalf("create-org: %v %s", r.err, r.stderr)
	}
	r := invoke(t, env, "admin", "token", "--email", "ops@example.com")
	if r.err != nil {
		t.Fatalf("token: %v %s", r.err, r.stderr)
	}
	bearer := lastLine(r.stdout)
	srv := startServer(t, db, "--metrics-addr", "127.0.0.1:0")

	var team, round struct{ ID int64 }
	if _, err := call(srv.addr, "POST", "/api/v1/teams", bearer, map[string]string{"name": "Payments"}, &team); err != nil {
		t.Fatalf("create team: %v", err)
	}
	if _, err := call(srv.addr, "POST", "/api/v1/assessments", bearer, map[string]any{
		"name": "Backup round", "questionnaires": []string{"cncf-platform-maturity"}, "team_ids": []int64{team.ID},
	}, &round); err != nil {
		t.Fatalf("create round: %v", err)
	}
	const respondents = 6
	tokens := make([]string, respondents)
	for i := range tokens {
		var inv struct{ Token string }
		if _, err := call(srv.addr, "POST", fmt.Sprintf("/api/v1/assessments/%d/invitations", round.ID), bearer,
			map[string]any{"team_id": team.ID, "label": fmt.Sprint("respondent ", i)}, &inv); err != nil {
			t.Fatalf("invite: %v", err)
		}
		tokens[i] = inv.Token
	}
	var sv surveyJSON
	if _, err := call(srv.addr, "GET", "/api/v1/survey/"+tokens[0], "", nil, &sv); err != nil {
		t.Fatalf("read the survey: %v", err)
	}
	type question struct {
		questionnaire, key string
		options            []string
	}
	var questions []question
	for _, q := range sv.Questionnaires {
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				x := question{questionnaire: q.Key, key: qu.Key}
				for _, o := range qu.Options {
					x.options = append(x.options, o.Key)
				}
				questions = append(questions, x)
			}
		}
	}
	if len(questions) == 0 {
		t.Fatal("the survey has no questions")
	}

	// Autosave load: every respondent saves answer after answer.
	var mu sync.Mutex
	var acks []ackedAnswer
	var failures []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w, token := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := questions[i%len(questions)]
				body := map[string]any{"questionnaire": q.questionnaire, "question": q.key, "comment": fmt.Sprint("save ", i)}
				if len(q.options) > 0 {
					body["option"] = q.options[i%len(q.options)]
				} else {
					body["value"] = 1 + i%5
				}
				var res struct{ Revision int64 }
				status, err := call(srv.addr, "PUT", "/api/v1/survey/"+token+"/answers", "", body, &res)
				mu.Lock()
				if err != nil || status != http.StatusOK {
					failures = append(failures, fmt.Sprintf("save: %d %v", status, err))
				} else {
					acks = append(acks, ackedAnswer{token: token, question: q.questionnaire + "/" + q.key, revision: res.Revision})
				}
				mu.Unlock()
			}
		}()
	}
	stopLoad := func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}
	defer stopLoad()
	ackCount := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acks)
	}
	waitFor := func(n int, what string) {
		deadline := time.Now().Add(60 * time.Second)
		for ackCount() < n {
			if time.Now().After(deadline) {
				t.Fatalf("%s: only %d answers acknowledged in 60 s", what, ackCount())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor(150, "load before the backup")

	mu.Lock()
	before := append([]ackedAnswer(nil), acks...) // acknowledged before the backup started
	mu.Unlock()
	backup := filepath.Join(dir, "backup.db")
	br := invoke(t, env, "backup", "--out", backup)
	if br.err != nil {
		t.Fatalf("backup under load: %v\n%s", br.err, br.stderr)
	}
	if !strings.Contains(br.stdout, "integrity_check ok") {
		t.Errorf("backup output %q lacks the integrity check", br.stdout)
	}
	waitFor(len(before)+100, "load after the backup") // the server kept answering during and after it
	stopLoad()
	mu.Lock()
	if len(failures) > 0 {
		t.Fatalf("%d saves failed during the load, first: %s", len(failures), failures[0])
	}
	total := len(acks)
	mu.Unlock()

	if saved := scrapeValue(t, srv.metricsAddr, "gapmap_answers_saved_total"); saved < float64(total) {
		t.Errorf("gapmap_answers_saved_total = %v, want at least the %d acknowledged saves", saved, total)
	}

	// The server holds its database: restore over it is refused and leaves it alone.
	rr := invoke(t, env, "restore", "--from", backup)
	if rr.err == nil || !strings.Contains(rr.err.Error(), "in use by a running gapmap server") {
		t.Fatalf("restore over the running server's database: %v, want a refusal", rr.err)
	}
	if _, err := call(srv.addr, "GET", "/api/v1/survey/"+tokens[0], "", nil, nil); err != nil {
		t.Fatalf("the server after the refused restore: %v", err)
	}

	restored := filepath.Join(dir, "restored.db")
	if r := invoke(t, nil, "restore", "--from", backup, "--db", restored); r.err != nil {
		t.Fatalf("restore: %v\n%s", r.err, r.stderr)
	}
	srv2 := startServer(t, restored)
	got := map[string]int64{} // token + question -> revision in the restored database
	for _, token := range tokens {
		var s surveyJSON
		if _, err := call(srv2.addr, "GET", "/api/v1/survey/"+token, "", nil, &s); err != nil {
			t.Fatalf("the restored server: %v", err)
		}
		for _, a := range s.Answers {
			got[token+" "+a.Questionnaire+"/"+a.Question] = a.Revision
		}
	}
	for _, a := range before {
		rev, ok := got[a.token+" "+a.question]
		if !ok || rev < a.revision {
			t.Fatalf("answer %s acknowledged at revision %d before the backup: restored revision %d (present %v)", a.question, a.revision, rev, ok)
		}
	}
	t.Logf("%d answers acknowledged before the backup, all restored; %d acknowledged in all", len(before), total)

	// Once its server stops, the database may be restored in place.
	srv.stop()
	if r := invoke(t, env, "restore", "--from", backup); r.err != nil {
		t.Fatalf("restore after the server stopped: %v", r.err)
	}
}

// scrapeValue reads one sample without labels from the /metrics endpoint.
func scrapeValue(t *testing.T, addr, name string) float64 {
	t.Helper()
	if addr == "" {
		t.Fatal("the server did not log its metrics address")
	}
	resp, err := httpClient.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("%s not in the scrape:\n%.2000s", name, data)
	return 0
}

func TestBackupAndRestoreRefusals(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "gapmap.db")
	if r := invoke(t, nil, "migrate", "up", "--db", db); r.err != nil {
		t.Fatalf("migrate: %v", r.err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr func(error) bool
		want    string
	}{
		{name: "backup without --out", args: []string{"backup", "--db", db}, wantErr: isUsage},
		{name: "backup of a missing database", args: []string{"backup", "--db", filepath.Join(dir, "none.db"), "--out", filepath.Join(dir, "b1.db")}, want: "no such file"},
		{name: "backup over an existing file", args: []string{"backup", "--db", db, "--out", db}, want: "exists"},
		{name: "restore without --from", args: []string{"restore", "--db", db}, wantErr: isUsage},
		{name: "restore on PostgreSQL", args: []string{"restore", "--from", db, "--db", "postgres://u@h/d"}, want: "pg_restore"},
		{
			name: "backup on PostgreSQL gives the pg_dump command without the password",
			args: []string{"backup", "--out", "/backups/gapmap.dump", "--db", "postgres://gm:s3cret@db.internal:5432/gapmap?sslmode=require&search_path=tenant_a"},
			want: "PGPASSWORD='…' pg_dump --format=custom --file='/backups/gapmap.dump' --schema='tenant_a' --dbname='postgres://gm@db.internal:5432/gapmap?sslmode=require'",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := invoke(t, nil, tc.args...)
			if tc.wantErr != nil {
				if !tc.wantErr(r.err) {
					t.Fatalf("error %v is not the one wanted", r.err)
				}
				return
			}
			if r.err == nil || !strings.Contains(r.err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", r.err, tc.want)
			}
			if strings.Contains(r.err.Error(), "s3cret") {
				t.Fatalf("the message shows the password: %v", r.err)
			}
			if exitCode(r.err) == 0 {
				t.Fatal("exit status 0")
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "b1.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed backup left a file: %v", err)
	}
}
