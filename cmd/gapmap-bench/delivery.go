package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"gapmap/app/config"
	"gapmap/app/dora"
	"gapmap/app/store"
	"gapmap/models"
)

// deliveryOptions are the settings of the delivery sub-command.
type deliveryOptions struct {
	Deployments    int
	Incidents      int
	Teams          int
	Days           int
	IngestRequests int
	Connections    int
	Queries        int
	JSON           bool
	Keep           bool
	Postgres       string
	CPUProfile     string
}

// deliveryReport is what the delivery sub-command prints.
type deliveryReport struct {
	Database      string    `json:"database"`
	Deployments   int       `json:"deployments"`
	Incidents     int       `json:"incidents"`
	Teams         int       `json:"teams"`
	Days          int       `json:"days"`
	SeedS         float64   `json:"seed_s"`
	EventsIngest  ingestRow `json:"events_ingest"`
	DoraQuery     queryRow  `json:"dora_query"`
	DoraQueryTeam queryRow  `json:"dora_query_team"`
	DoraQueryYear queryRow  `json:"dora_query_365_days"`
}

type ingestRow struct {
	PerRequest    int     `json:"per_request"`
	Requests      int     `json:"requests"`
	Connections   int     `json:"connections"`
	PerSecond     float64 `json:"deployments_per_s"`
	RawPerSecond  float64 `json:"raw_insert_per_s"`
	Ratio         float64 `json:"ratio"`
	Goal          string  `json:"goal"`
	Met           bool    `json:"met"`
	Errors        int     `json:"errors"`
	ResponseCheck string  `json:"check"`
}

type queryRow struct {
	Path    string  `json:"path"`
	Queries int     `json:"queries"`
	P50     float64 `json:"p50_ms"`
	P99     float64 `json:"p99_ms"`
	Max     float64 `json:"max_ms"`
	Goal    string  `json:"goal,omitempty"`
	Met     bool    `json:"met"`
	Answer  string  `json:"answer"`
}

// ingestBatch is how many deployments one request of events_ingest sends.
const ingestBatch = 1000

func parseDeliveryOptions(args []string, stderr io.Writer) (*deliveryOptions, error) {
	o := &deliveryOptions{}
	fs := flag.NewFlagSet("gapmap-bench delivery", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: gapmap-bench delivery [flags]\n\nMeasure events_ingest (deployments/s through POST /api/v1/teams/{id}/deployments, %d per request, against a raw batched INSERT of the same rows) and dora_query (GET /api/v1/dora on an organization with --deployments and --incidents).\n\nFlags:\n", ingestBatch)
		fs.PrintDefaults()
	}
	quick := fs.Bool("quick", false, "small run: 100,000 deployments, 5,000 incidents, 30 ingest requests, 100 queries")
	fs.IntVar(&o.Deployments, "deployments", 1_000_000, "deployments of the organization dora_query reads")
	fs.IntVar(&o.Incidents, "incidents", 50_000, "incidents of that organization")
	fs.IntVar(&o.Teams, "teams", 20, "teams the events are spread over")
	fs.IntVar(&o.Days, "days", 730, "days back from today the events are spread over")
	fs.IntVar(&o.IngestRequests, "ingest-requests", 100, "requests of events_ingest (and batches of its baseline)")
	fs.IntVar(&o.Connections, "connections", 2, "concurrent connections sending events_ingest's requests")
	fs.IntVar(&o.Queries, "queries", 300, "requests of each dora_query measurement")
	fs.BoolVar(&o.JSON, "json", false, "print one JSON object instead of a table")
	fs.BoolVar(&o.Keep, "keep", false, "keep the temporary directory")
	fs.StringVar(&o.Postgres, "postgres", "", "use this empty PostgreSQL database (postgres://…) instead of an SQLite file")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write CPU profiles of the two measured parts (not the seeding) to PREFIX.ingest and PREFIX.query")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *quick {
		for name, apply := range map[string]func(){
			"deployments":     func() { o.Deployments = 100_000 },
			"incidents":       func() { o.Incidents = 5_000 },
			"ingest-requests": func() { o.IngestRequests = 30 },
			"queries":         func() { o.Queries = 100 },
		} {
			if !set[name] {
				apply()
			}
		}
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.Teams < 3:
		return nil, errors.New("--teams must be at least 3")
	case o.Deployments < 1 || o.Incidents < 0 || o.Days < 90 || o.IngestRequests < 1 || o.Connections < 1 || o.Queries < 1:
		return nil, errors.New("--deployments, --ingest-requests, --connections and --queries must be positive, --days at least 90")
	case o.Postgres != "" && !config.IsPostgres(o.Postgres):
		return nil, errors.New("--postgres takes a postgres:// URL")
	}
	return o, nil
}

// runDelivery is the delivery sub-command.
func runDelivery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseDeliveryOptions(args, stderr)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "gapmap-bench-delivery-")
	if err != nil {
		return err
	}
	if o.Keep {
		fmt.Fprintln(stderr, "keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	progress := func(format string, args ...any) { fmt.Fprintf(stderr, "gapmap-bench: "+format+"\n", args...) }
	dbPath, database := filepath.Join(dir, "gapmap.db"), "sqlite"
	if o.Postgres != "" {
		dbPath, database = o.Postgres, "postgres"
	}
	g, err := startGapmap(ctx, dir, dbPath)
	if err != nil {
		return err
	}
	defer g.Close()
	st := g.Store
	org, user, err := st.SignUp(ctx, "Delivery Bench", "delivery-bench@example.com", benchPassword)
	if err != nil {
		return err
	}
	names := make([]string, o.Teams)
	for i := range names {
		names[i] = fmt.Sprintf("Team %02d", i+1)
	}
	teams, err := st.SeedTeams(ctx, org.ID, names)
	if err != nil {
		return err
	}
	token, _, err := st.CreateScopedToken(ctx, org.ID, user.ID, "bench", nil)
	if err != nil {
		return err
	}
	rep := &deliveryReport{Database: database, Deployments: o.Deployments, Incidents: o.Incidents, Teams: o.Teams, Days: o.Days}
	base := "http://" + g.Addr
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: o.Connections + 1}}
	now := time.Now().UTC()

	// events_ingest: the same rows through the endpoint (team 1) and through
	// one multi-row INSERT per batch (team 2).
	progress("events_ingest: %d requests of %d deployments", o.IngestRequests, ingestBatch)
	rng := rand.New(rand.NewPCG(1, 2))
	batches := make([][]dora.Deployment, o.IngestRequests)
	start := now.Add(-80 * 24 * time.Hour)
	for i := range batches {
		batches[i] = benchDeployments(rng, fmt.Sprintf("ingest-%d-", i), ingestBatch, start.Add(time.Duration(i)*time.Hour), time.Hour)
	}
	err = profiled(o.CPUProfile, "ingest", func() (err error) {
		rep.EventsIngest, err = measureIngest(ctx, client, base, token, st, org.ID, teams[0].ID, teams[1].ID, batches, o.Connections)
		return err
	})
	if err != nil {
		return err
	}

	// dora_query: seed the organization through the store, then query.
	seeded := o.IngestRequests * ingestBatch
	progress("seeding %d deployments and %d incidents over %d teams and %d days", max(0, o.Deployments-seeded), o.Incidents, o.Teams, o.Days)
	t0 := time.Now()
	if err := seedDelivery(ctx, st, org.ID, teams, max(0, o.Deployments-seeded), o.Incidents, o.Days, now); err != nil {
		return err
	}
	rep.SeedS = time.Since(t0).Seconds()
	var total int64
	if err := st.Raw(ctx, &total, "SELECT COUNT(*) FROM deployments WHERE org_id = ?", org.ID); err != nil {
		return err
	}
	rep.Deployments = int(total)
	progress("dora_query: %d requests each", o.Queries)
	paths := []string{
		"/api/v1/dora",
		fmt.Sprintf("/api/v1/teams/%d/dora", teams[2].ID),
		"/api/v1/dora?from=" + now.AddDate(0, 0, -364).Format(time.DateOnly),
	}
	rows := make([]queryRow, len(paths))
	err = profiled(o.CPUProfile, "query", func() (err error) {
		for i, p := range paths {
			if rows[i], err = measureQuery(client, base+p, token, o.Queries); err != nil {
				return err
			}
			rows[i].Path = p
		}
		return nil
	})
	if err != nil {
		return err
	}
	rows[0].Goal, rows[0].Met = "p99 ≤ 100 ms", rows[0].P99 <= 100
	rep.DoraQuery, rep.DoraQueryTeam, rep.DoraQueryYear = rows[0], rows[1], rows[2]
	if o.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	writeDeliveryTable(stdout, rep)
	return nil
}

// benchDeployments makes n production deployments from start on, spread
// over span, each with two commits; one in ten failed.
func benchDeployments(rng *rand.Rand, prefix string, n int, start time.Time, span time.Duration) []dora.Deployment {
	out := make([]dora.Deployment, n)
	for i := range out {
		fin := start.Add(time.Duration(float64(span) * float64(i) / float64(n))).Truncate(time.Second)
		d := dora.Deployment{ID: fmt.Sprintf("%s%d", prefix, i), FinishedAt: fin, Status: dora.StatusSuccess}
		if rng.IntN(10) == 0 {
			d.Status = dora.StatusFailure
		}
		for c := range 2 {
			d.Commits = append(d.Commits, dora.Commit{SHA: fmt.Sprintf("%x", rng.Uint64()), CommittedAt: fin.Add(-time.Duration(1+rng.IntN(200000)+c) * time.Second)})
		}
		out[i] = d
	}
	return out
}

// deploymentJSON is one deployment as the API takes it.
func deploymentJSON(d dora.Deployment) map[string]any {
	cs := make([]map[string]string, len(d.Commits))
	for i, c := range d.Commits {
		cs[i] = map[string]string{"sha": c.SHA, "committed_at": c.CommittedAt.Format(time.RFC3339)}
	}
	return map[string]any{"id": d.ID, "finished_at": d.FinishedAt.Format(time.RFC3339), "status": d.Status, "commits": cs}
}

func measureIngest(ctx context.Context, client *http.Client, base, token string, st *store.Store, orgID, apiTeam, rawTeam int64, batches [][]dora.Deployment, conns int) (ingestRow, error) {
	row := ingestRow{PerRequest: ingestBatch, Requests: len(batches), Connections: conns, Goal: "ratio ≥ 0.5"}
	bodies := make([][]byte, len(batches))
	for i, b := range batches {
		items := make([]map[string]any, len(b))
		for j, d := range b {
			items[j] = deploymentJSON(d)
		}
		body, err := json.Marshal(map[string]any{"deployments": items})
		if err != nil {
			return row, err
		}
		bodies[i] = body
	}
	url := fmt.Sprintf("%s/api/v1/teams/%d/deployments", base, apiTeam)
	var (
		mu       sync.Mutex
		accepted int
		errs     int
		next     int
		wg       sync.WaitGroup
	)
	t0 := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(bodies) {
					return
				}
				var res store.Ingested
				status, err := postJSON(client, url, token, bodies[i], &res)
				mu.Lock()
				if err != nil || status != http.StatusOK {
					errs++
				}
				accepted += res.Accepted
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	apiS := time.Since(t0).Seconds()
	row.Errors = errs
	row.PerSecond = float64(accepted) / apiS

	// The baseline: the same rows, one INSERT of a whole batch per statement.
	created := time.Now().UTC()
	t0 = time.Now()
	for _, b := range batches {
		var sb strings.Builder
		sb.WriteString("INSERT INTO deployments (org_id, team_id, external_id, finished_at, status, environment, production, commits, lead_time_seconds, failed, created_at) VALUES ")
		args := make([]any, 0, len(b)*11)
		for j, d := range b {
			if j > 0 {
				sb.WriteString(",")
			}
			sb.WriteString("(?,?,?,?,?,?,?,?,?,?,?)")
			lead, _ := dora.LeadTime(d)
			args = append(args, orgID, rawTeam, d.ID, d.FinishedAt, d.Status, "", true, len(d.Commits), lead, d.Status == dora.StatusFailure, created)
		}
		if err := st.Exec(ctx, sb.String(), args...); err != nil {
			return row, fmt.Errorf("raw insert: %w", err)
		}
	}
	rawS := time.Since(t0).Seconds()
	if err := st.Exec(ctx, "DELETE FROM deployments WHERE team_id = ?", rawTeam); err != nil {
		return row, fmt.Errorf("remove the baseline's rows: %w", err)
	}
	rows := len(batches) * ingestBatch
	row.RawPerSecond = float64(rows) / rawS
	row.Ratio = row.PerSecond / row.RawPerSecond
	row.Met = row.Ratio >= 0.5 && errs == 0
	row.ResponseCheck = fmt.Sprintf("%d of %d accepted", accepted, rows)
	if accepted != rows {
		row.Met = false
	}
	return row, nil
}

func postJSON(client *http.Client, url, token string, body []byte, out any) (int, error) {
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode == http.StatusOK {
		err = json.Unmarshal(data, out)
	}
	return resp.StatusCode, err
}

// seedDelivery spreads deployments and incidents over the teams (after the
// two events_ingest uses) and the last days, in time order per team, through
// the store's ingest (so the rollups are what the API would have built).
func seedDelivery(ctx context.Context, st *store.Store, orgID int64, teams []models.Team, deployments, incidents, days int, now time.Time) error {
	rng := rand.New(rand.NewPCG(3, 4))
	targets := teams[2:]
	span := time.Duration(days) * 24 * time.Hour
	start := now.Add(-span)
	const batch = 5000
	for ti, t := range targets {
		n := deployments / len(targets)
		if ti < deployments%len(targets) {
			n++
		}
		all := benchDeployments(rng, fmt.Sprintf("seed-%d-", t.ID), n, start, span)
		for chunk := range slices.Chunk(all, batch) {
			if _, err := st.IngestDeployments(ctx, orgID, t.ID, chunk); err != nil {
				return err
			}
		}
		m := incidents / len(targets)
		if ti < incidents%len(targets) {
			m++
		}
		incs := make([]dora.Incident, m)
		for i := range incs {
			begin := start.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Second)
			in := dora.Incident{ID: fmt.Sprintf("inc-%d", i), StartedAt: begin}
			if rng.IntN(10) > 0 {
				end := begin.Add(time.Duration(60+rng.IntN(48*3600)) * time.Second)
				in.ResolvedAt = &end
			}
			if n > 0 && rng.IntN(3) == 0 {
				in.DeploymentID = all[rng.IntN(n)].ID
			}
			incs[i] = in
		}
		slices.SortFunc(incs, func(a, b dora.Incident) int { return a.StartedAt.Compare(b.StartedAt) })
		for chunk := range slices.Chunk(incs, batch) {
			if _, err := st.IngestIncidents(ctx, orgID, t.ID, chunk); err != nil {
				return err
			}
		}
	}
	return nil
}

func measureQuery(client *http.Client, url, token string, n int) (queryRow, error) {
	row := queryRow{Queries: n}
	lat := make([]int64, 0, n)
	for i := range n + n/10 { // the first tenth warms up
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			return row, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return row, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		d := time.Since(t0)
		if err != nil || resp.StatusCode != http.StatusOK {
			return row, fmt.Errorf("GET %s: %d %s %v", url, resp.StatusCode, body, err)
		}
		if i >= n/10 {
			lat = append(lat, d.Nanoseconds())
		}
		row.Answer = string(body)
	}
	slices.Sort(lat)
	row.P50 = percentile(lat, 0.50)
	row.P99 = percentile(lat, 0.99)
	row.Max = float64(lat[len(lat)-1]) / 1e6
	return row, nil
}

func writeDeliveryTable(w io.Writer, r *deliveryReport) {
	fmt.Fprintf(w, "gapmap-bench delivery on %s: %d deployments, %d incidents, %d teams over %d days (seeded in %.1f s)\n\n",
		r.Database, r.Deployments, r.Incidents, r.Teams, r.Days, r.SeedS)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	in := r.EventsIngest
	fmt.Fprintln(tw, "metric\tvalue\tbaseline\tratio\tgoal\tmet")
	fmt.Fprintf(tw, "events_ingest\t%.0f deployments/s (%d × %d, %d conns, %d errors)\traw INSERT %.0f/s\t%.2f\t%s\t%v\n",
		in.PerSecond, in.Requests, in.PerRequest, in.Connections, in.Errors, in.RawPerSecond, in.Ratio, in.Goal, in.Met)
	for _, q := range []queryRow{r.DoraQuery, r.DoraQueryTeam, r.DoraQueryYear} {
		fmt.Fprintf(tw, "dora_query %s\tp50 %.2f ms, p99 %.2f ms, max %.2f ms (%d requests)\t\t\t%s\t%v\n", q.Path, q.P50, q.P99, q.Max, q.Queries, q.Goal, q.Met || q.Goal == "")
	}
	tw.Flush()
	fmt.Fprintf(w, "\nanswer of %s: %s", r.DoraQuery.Path, r.DoraQuery.Answer)
}

// profiled runs fn, under a CPU profile written to prefix.name when prefix
// is set.
func profiled(prefix, name string, fn func() error) error {
	if prefix == "" {
		return fn()
	}
	f, err := os.Create(prefix + "." + name)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	return fn()
}
