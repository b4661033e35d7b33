package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"gapmap/app/store"
	"gapmap/questionnaires"
)

// bench is one run of the harness.
type bench struct {
	opts *options
	dir  string
	log  io.Writer

	qs      []*questionnaires.Questionnaire
	dsn     string // the SQLite file, or the --postgres URL
	main    *seededOrg
	scaling []*seededOrg // 25 % and 50 % of the big round, each in its own organization
	other   *seededOrg   // another organization, with a 10-response round
	rep     report

	rescorePoints []point
	autosaveP99   float64 // of the autosave metric, in ms
}

// scalingFractions are the sizes, as fractions of the big round, of the
// smaller rounds of the scaling metric. They live in organizations of their
// own: results.Recompute also refreshes every later round that compares
// itself with the one it recomputes, so rounds of one organization would
// time each other.
func scalingFractions() []float64 { return []float64{0.25, 0.5} }

// smallRoundTeams is the size of the round read by the results and
// dashboard metrics.
const smallRoundTeams = 50

// otherRoundResponses is the size of the round of the submit_small metric,
// in an organization of its own (one respondent per team).
const otherRoundResponses = 10

func (b *bench) progress(format string, args ...any) {
	fmt.Fprintf(b.log, "gapmap-bench: "+format+"\n", args...)
}

func (b *bench) run(ctx context.Context) (*report, error) {
	started := time.Now()
	o := b.opts
	b.rep.Config = runConfig{
		Quick: o.Quick, Anonymous: o.Anonymous, Teams: o.Teams, Respondents: o.Respondents, Connections: o.Connections,
		DurationS: o.Duration.Seconds(), WarmupS: o.Warmup.Seconds(), Repetitions: o.Reps,
		Started: started.UTC().Format(time.RFC3339), GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		CPU: cpuModel(), NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), LoadAvg: []string{loadAverage()},
		Database: "sqlite", Instances: o.Instances,
	}
	if o.Postgres != "" {
		b.rep.Config.Database = "postgres"
	}
	if err := b.seed(ctx); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	b.rep.Config.SeedS = time.Since(started).Seconds()
	if err := b.loadMetrics(ctx); err != nil {
		return nil, err
	}
	if err := b.rescoreMetric(ctx); err != nil {
		return nil, err
	}
	if err := b.exportMetrics(ctx); err != nil {
		return nil, err
	}
	// Submissions come last: they grow the big round that rescore and
	// export measure.
	if err := b.submissions(ctx); err != nil {
		return nil, err
	}
	b.rep.Config.TotalS = time.Since(started).Seconds()
	b.rep.Config.LoadAvg = append(b.rep.Config.LoadAvg, loadAverage())
	return &b.rep, nil
}

func (b *bench) seed(ctx context.Context) error {
	b.dsn = filepath.Join(b.dir, "gapmap.db")
	if b.opts.Postgres != "" {
		if err := checkEmptyPostgres(ctx, b.opts.Postgres); err != nil {
			return err
		}
		b.dsn = b.opts.Postgres
	}
	start := time.Now()
	sd, err := seedDatabase(ctx, b.dsn, b.opts, b.progress)
	if err != nil {
		return err
	}
	b.qs, b.main, b.scaling, b.other = sd.qs, sd.main, sd.scaling, sd.other
	c := &b.rep.Config
	big, small := b.main.Big, b.main.Small
	c.BigRound = roundInfo{Teams: big.Teams, Responses: big.Responses, Answers: big.Answers}
	c.SmallRound = roundInfo{Teams: small.Teams, Responses: small.Responses, Answers: small.Answers}
	c.Drafts = len(big.Drafts)
	for _, s := range b.scaling {
		c.ScalingSizes = append(c.ScalingSizes, s.Big.Answers)
	}
	c.ScalingSizes = append(c.ScalingSizes, big.Answers)
	b.progress("seeded in %.1f s", time.Since(start).Seconds())
	return nil
}

// seeded is what seedDatabase stored.
type seeded struct {
	qs      []*questionnaires.Questionnaire
	main    *seededOrg
	scaling []*seededOrg
	other   *seededOrg // the organization of the 10-response round
}

// seedDatabase creates and migrates the database dsn (an SQLite file or a
// PostgreSQL URL) and seeds
// it as the benchmark uses it: the main organization with the big round,
// the organizations of the scaling metric, and another organization with a
// 10-response round whose drafts autosave while the big round takes
// submissions.
func seedDatabase(ctx context.Context, dsn string, o *options, progress func(string, ...any)) (*seeded, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	out := &seeded{}
	if out.qs, err = benchQuestionnaires(); err != nil {
		return nil, err
	}
	sd := newSeeder(st, out.qs)
	fresh := 2*o.submissions() + o.duringSubmissions() + 2
	progress("seeding %d teams × %d respondents, %d drafts and %d fresh drafts ...", o.Teams, o.Respondents, o.Teams, fresh)
	if out.main, err = sd.seedOrg(ctx, orgSpec{name: "Bench Org", teams: o.Teams, respondents: o.Respondents,
		smallTeams: smallRoundTeams, drafts: o.Teams, fresh: fresh, anonymous: o.Anonymous}); err != nil {
		return nil, err
	}
	for _, f := range scalingFractions() {
		teams := max(1, int(float64(o.Teams)*f+0.5))
		org, err := sd.seedOrg(ctx, orgSpec{name: fmt.Sprintf("Bench Org %.0f%%", f*100), teams: teams, respondents: o.Respondents, smallTeams: smallRoundTeams, anonymous: o.Anonymous})
		if err != nil {
			return nil, err
		}
		out.scaling = append(out.scaling, org)
	}
	if out.other, err = sd.seedOrg(ctx, orgSpec{name: "Bench Org Small", teams: otherRoundResponses, respondents: 1,
		drafts: o.Connections, fresh: o.submissions()}); err != nil {
		return nil, err
	}
	return out, nil
}

// loadMetrics runs every HTTP metric right after its baseline, so that
// both see the same machine.
func (b *bench) loadMetrics(ctx context.Context) error {
	g, err := b.startServers(ctx)
	if err != nil {
		return fmt.Errorf("start gapmap: %w", err)
	}
	defer g.Close()
	gAddr := g.Addrs[0]
	base, err := startBaselines(b.dir)
	if err != nil {
		return fmt.Errorf("start baselines: %w", err)
	}
	defer base.Close()
	cookie, err := login(gAddr)
	if err != nil {
		return err
	}
	o := b.opts
	spec := func(addr string, build request) loadSpec {
		ls := loadSpec{Addr: addr, Build: build, Connections: o.Connections, Warmup: o.Warmup, Duration: o.Duration}
		if addr == gAddr {
			ls.Addrs = g.Addrs // gapmap's connections spread over its instances
		}
		return ls
	}
	// group runs specs alternating; the first nBase are baselines.
	group := func(names []string, nBase int, specs ...loadSpec) []loadResult {
		b.progress("load: %s (%d connections, %s each after %s warm-up, alternating in %d slices)",
			strings.Join(names, ", "), o.Connections, o.Duration, o.Warmup, loadRounds(o.Duration))
		rs := runGroup(specs, loadRounds(o.Duration))
		for i, r := range rs[:nBase] {
			b.rep.Baselines = append(b.rep.Baselines, baselineRun{Name: names[i], Value: r.RPS, Unit: "req/s", P50: r.P50, P99: r.P99, Errors: r.Errors, ResponseBytes: r.Bytes})
		}
		return rs
	}

	big, small := b.main.Big, b.main.Small
	surveyTokens := append(append([]string{}, big.Tokens...), big.Drafts...)
	gURL := "http://" + gAddr

	rs := group([]string{"plain", "survey_get"}, 1,
		spec(base.Plain.Addr, get("http://"+base.Plain.Addr+"/", nil)),
		spec(gAddr, func(rng *rand.Rand, req *fasthttp.Request) {
			req.SetRequestURI(gURL + "/api/v1/survey/" + pick(rng, surveyTokens))
		}))
	b.addLoad("survey_get", rs[1], "plain", rs[0], 0.30, "ratio ≥ 0.30", "random survey tokens of the big round")

	bodies := answerBodies(b.qs)
	rs = group([]string{"insert", "autosave"}, 1,
		spec(base.Insert.Addr, func(rng *rand.Rand, req *fasthttp.Request) {
			put(req, "http://"+base.Insert.Addr+"/insert", pick(rng, bodies))
		}),
		spec(gAddr, func(rng *rand.Rand, req *fasthttp.Request) {
			put(req, gURL+"/api/v1/survey/"+pick(rng, big.Drafts)+"/answers", pick(rng, bodies))
		}))
	m := b.addLoad("autosave", rs[1], "insert", rs[0], 0.60,
		fmt.Sprintf("ratio ≥ 0.60, p99 ≤ 50 ms at %d connections, 0 errors", o.Connections),
		fmt.Sprintf("random answers of %d draft responses", len(big.Drafts)))
	m.Met = m.Met && rs[1].P99 <= 50 && rs[1].Errors == 0
	if err := b.openJoinMetric(gAddr, rs[0], func(build request) loadResult {
		return group([]string{"open_join"}, 0, spec(gAddr, build))[0]
	}); err != nil {
		return err
	}

	autosaveP99 := rs[1].P99

	// Same-bytes baselines: bare Fiber sends what gapmap sent, compressed
	// the same way.
	auth := "Bearer " + b.main.APIToken
	c := newClient(gAddr)
	fresh := big.Fresh[len(big.Fresh)-2:] // an empty response, and one that will hold every answer
	if err := b.fill(c, fresh[1:]); err != nil {
		return err
	}
	resultsURI := "/api/v1/assessments/" + strconv.FormatInt(small.ID, 10) + "/results"
	var pages []captured
	for _, p := range []struct{ name, uri, hdr, val string }{
		{"results", resultsURI, "Authorization", auth},
		{"dashboard", dashboardPath(small.ID), "Cookie", cookie},
		{"survey_page", "/s/" + fresh[0] + "/page/1", "", ""},
		{"survey_page_full", "/s/" + fresh[1] + "/page/1", "", ""},
	} {
		var hdr map[string]string
		if p.hdr != "" {
			hdr = map[string]string{p.hdr: p.val}
		}
		cp, err := capture(c, p.name, p.uri, hdr)
		if err != nil {
			return err
		}
		pages = append(pages, cp)
	}
	same, err := startSameBytes(pages)
	if err != nil {
		return fmt.Errorf("start same-bytes baseline: %w", err)
	}
	defer same.Close()
	sameURL := "http://" + same.Addr + "/"

	rs = group([]string{"pk_read", "same_bytes results", "same_bytes dashboard", "results", "dashboard"}, 3,
		spec(base.PKRead.Addr, func(rng *rand.Rand, req *fasthttp.Request) {
			req.SetRequestURI("http://" + base.PKRead.Addr + "/rows/" + strconv.Itoa(1+rng.IntN(baselineRows)))
		}),
		spec(same.Addr, get(sameURL+"results", nil)),
		spec(same.Addr, get(sameURL+"dashboard", nil)),
		spec(gAddr, get(gURL+resultsURI, func(req *fasthttp.Request) {
			req.Header.Set("Authorization", auth)
		})),
		spec(gAddr, get(gURL+dashboardPath(small.ID), func(req *fasthttp.Request) {
			req.Header.Set("Cookie", cookie)
		})))
	b.addLoad("results", rs[3], "pk_read", rs[0], 0.50, "ratio ≥ 0.50", fmt.Sprintf("a %d-team round, bearer token", small.Teams))
	b.addLoad("dashboard", rs[4], "pk_read", rs[0], 0.25, "ratio ≥ 0.25",
		fmt.Sprintf("GET /assessments/{id}/dashboard of a %d-team round, session cookie", small.Teams))
	b.addLoad("results_same_bytes", rs[3], "same_bytes results", rs[1], 0.50, "ratio ≥ 0.50",
		sameBytesNote("results", pages[0]))
	b.addLoad("dashboard_same_bytes", rs[4], "same_bytes dashboard", rs[2], 0.50, "ratio ≥ 0.50",
		sameBytesNote("dashboard", pages[1]))

	rs = group([]string{"same_bytes survey_page", "same_bytes survey_page_full", "survey_page", "survey_page_full"}, 2,
		spec(same.Addr, get(sameURL+"survey_page", nil)),
		spec(same.Addr, get(sameURL+"survey_page_full", nil)),
		spec(gAddr, get(gURL+"/s/"+fresh[0]+"/page/1", nil)),
		spec(gAddr, get(gURL+"/s/"+fresh[1]+"/page/1", nil)))
	mp := b.addLoad("survey_page", rs[2], "same_bytes survey_page", rs[0], 0.50, "ratio ≥ 0.50",
		"GET /s/{token}/page/1 of a response without answers, no cookie; "+sameBytesNote("survey_page", pages[2]))
	pageRatio := mp.Ratio
	mf := b.addLoad("survey_page_full", rs[3], "same_bytes survey_page_full", rs[1], 0.8*pageRatio,
		"ratio ≥ 0.8 × survey_page ratio", "GET /s/{token}/page/1 of a response holding every answer, no cookie; "+sameBytesNote("survey_page_full", pages[3]))
	mf.Met = mf.Met && pageRatio > 0
	b.autosaveP99 = autosaveP99
	return nil
}

// sameBytesNote describes a same-bytes baseline in the report.
func sameBytesNote(name string, p captured) string {
	enc := p.Encoding
	if enc == "" {
		enc = "identity"
	}
	return fmt.Sprintf("same-bytes baseline sends the %d bytes of %s (%s, %d bytes as sent by gapmap)", len(p.Plain), name, enc, p.SentBytes)
}

// loadRounds is the number of slices a load run is cut into: slices of at
// least a second.
func loadRounds(d time.Duration) int {
	return min(max(int(d/time.Second), 1), 4)
}

func dashboardPath(id int64) string {
	return "/assessments/" + strconv.FormatInt(id, 10) + "/dashboard"
}

// addLoad appends a throughput metric: gapmap's req/s over the baseline's.
func (b *bench) addLoad(name string, r loadResult, baseName string, base loadResult, minRatio float64, goal, note string) *metric {
	m := metric{Name: name, Value: r.RPS, Unit: "req/s", P50: r.P50, P99: r.P99, Errors: r.Errors,
		Baseline: baseName, BaselineValue: base.RPS, Goal: goal, Note: note, ResponseBytes: r.Bytes}
	if base.RPS > 0 {
		m.Ratio = r.RPS / base.RPS
	}
	m.Met = m.Ratio >= minRatio
	var errs []string
	if r.FirstError != "" {
		errs = append(errs, "first error: "+r.FirstError)
	}
	if base.Errors > 0 {
		errs = append(errs, fmt.Sprintf("baseline %s had %d errors, first: %s", baseName, base.Errors, base.FirstError))
		m.Met = false
	}
	if len(errs) > 0 {
		m.Note = strings.TrimPrefix(m.Note+"; "+strings.Join(errs, "; "), "; ")
	}
	b.rep.Metrics = append(b.rep.Metrics, m)
	return &b.rep.Metrics[len(b.rep.Metrics)-1]
}

// rescoreMetric times results.Recompute of the big round against one raw
// query reading the same answers, and the per-answer cost at 25, 50 and
// 100 % of the big round.
//
// Both run under a context without cancellation, as in the web layer (fiber's
// UserContext is context.Background): under a cancellable context the
// SQLite driver starts a goroutine for every row it reads, which cost
// gapmap and the baseline alike about a quarter of their time in a profile.
func (b *bench) rescoreMetric(parent context.Context) error {
	ctx := context.WithoutCancel(parent)
	st, err := store.Open(ctx, b.dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	raw, err := openRawDB(b.dsn)
	if err != nil {
		return err
	}
	defer func() {
		if sqlDB, err := raw.DB(); err == nil {
			sqlDB.Close()
		}
	}()
	big := b.main.Big
	b.progress("rescore: %d answers × %d", big.Answers, b.opts.Reps)
	gm := timeRescore(ctx, st, b.main.OrgID, big.ID, b.opts.Reps)
	if gm.Err != nil {
		return fmt.Errorf("rescore: %w", gm.Err)
	}
	bl := timeRawRead(ctx, raw, big.ID, big.Answers, b.opts.Reps)
	if bl.Err != nil {
		return fmt.Errorf("rescore baseline: %w", bl.Err)
	}
	m := metric{Name: "rescore", Value: gm.Best, Unit: "s", P50: gm.P50, P99: gm.P99,
		Baseline: "raw query into structs", BaselineValue: bl.Best, Goal: "time ratio ≤ 2.0",
		Note: fmt.Sprintf("results.Recompute of %d answers; best of %d runs each", big.Answers, b.opts.Reps)}
	m.Ratio = gm.Best / bl.Best
	m.Met = m.Ratio <= 2.0
	b.rep.Metrics = append(b.rep.Metrics, m)

	points := make([]point, 0, 3)
	for i, s := range b.scaling {
		t := timeRescore(ctx, st, s.OrgID, s.Big.ID, b.opts.Reps)
		if t.Err != nil {
			return fmt.Errorf("rescore at %.0f%%: %w", scalingFractions()[i]*100, t.Err)
		}
		points = append(points, newPoint("rescore", scalingFractions()[i], s.Big.Answers, t.Best))
	}
	b.rescorePoints = append(points, newPoint("rescore", 1, big.Answers, gm.Best))
	return nil
}

func newPoint(work string, fraction float64, answers int, seconds float64) point {
	return point{Work: work, Fraction: fraction, Answers: answers, Seconds: seconds, MsPer1000: seconds * 1000 / (float64(answers) / 1000)}
}

// exportMetrics runs each export in child processes that report their
// time and peak memory, then the stream-writer baseline with as many rows
// and columns, and the scaling metric of rescore and export.
func (b *bench) exportMetrics(ctx context.Context) error {
	big := b.main.Big
	reps := min(b.opts.Reps, 2)
	bigOut := filepath.Join(b.dir, "export-100.xlsx")
	b.progress("export: %d answers (child process × %d)", big.Answers, reps)
	full, fullErr := b.children(ctx, reps, func() (childResult, error) { return b.exportChild(ctx, b.main, bigOut) })
	cols, colErr := 11, error(nil)
	if fullErr == nil {
		var c int
		if c, colErr = responsesColumns(bigOut); colErr == nil {
			cols = c
		}
	}
	b.progress("export baseline: stream writer, %d rows × %d columns (child process × %d)", big.Answers, cols, reps)
	base, err := b.children(ctx, reps, func() (childResult, error) {
		return runChild(ctx, nil, childStream, "--rows", strconv.Itoa(big.Answers), "--cols", strconv.Itoa(cols),
			"--out", filepath.Join(b.dir, "stream.xlsx"))
	})
	if err != nil {
		return fmt.Errorf("export baseline: %w", err)
	}
	m := metric{Name: "export", Value: full.Best, Unit: "s", P50: full.P50, P99: full.P99,
		Baseline: "excelize StreamWriter", BaselineValue: base.Best, Goal: "time ratio ≤ 1.5, peak RSS ≤ 250 MB",
		PeakRSSMB: full.PeakRSSMB, BaselinePeakRSSMB: base.PeakRSSMB,
		Note: fmt.Sprintf("GET export.xlsx of %d answers, %d bytes; baseline %d rows × %d columns; best of %d runs each, highest peak",
			big.Answers, full.Bytes, big.Answers, cols, reps)}
	if fullErr != nil {
		m.Errors = 1
		m.Note = fullErr.Error()
	}
	if colErr != nil {
		m.Note += "; columns of the Responses sheet unknown (" + colErr.Error() + "), baseline uses 11"
	}
	if base.Best > 0 {
		m.Ratio = full.Best / base.Best
	}
	m.Met = fullErr == nil && m.Ratio <= 1.5 && full.PeakRSSMB <= 250
	b.rep.Metrics = append(b.rep.Metrics, m)

	exportPoints := make([]point, 0, 3)
	var scaleErrs []string
	for i, s := range b.scaling {
		f := scalingFractions()[i]
		b.progress("export at %.0f%%: %d answers (child process × %d)", f*100, s.Big.Answers, reps)
		out := filepath.Join(b.dir, fmt.Sprintf("export-%.0f.xlsx", f*100))
		r, err := b.children(ctx, reps, func() (childResult, error) { return b.exportChild(ctx, s, out) })
		if err != nil {
			scaleErrs = append(scaleErrs, err.Error())
		}
		p := newPoint("export", f, s.Big.Answers, r.Best)
		p.PeakRSSMB = r.PeakRSSMB
		exportPoints = append(exportPoints, p)
	}
	p := newPoint("export", 1, big.Answers, full.Best)
	p.PeakRSSMB = full.PeakRSSMB
	exportPoints = append(exportPoints, p)
	b.addScaling(b.rescorePoints, exportPoints, fullErr, scaleErrs)
	return nil
}

// childTiming is the outcome of repeated child processes: the best time,
// the highest peak memory.
type childTiming struct {
	Best      float64 // seconds
	P50, P99  float64 // milliseconds
	PeakRSSMB float64
	Bytes     int64
}

func (b *bench) children(ctx context.Context, reps int, run func() (childResult, error)) (childTiming, error) {
	var out childTiming
	var ns []int64
	for i := 0; i < reps; i++ {
		r, err := run()
		if err != nil {
			return out, err
		}
		ns = append(ns, int64(r.Seconds*1e9))
		out.PeakRSSMB = max(out.PeakRSSMB, r.PeakRSSMB)
		out.Bytes = r.Bytes
	}
	slices.Sort(ns)
	out.Best = float64(ns[0]) / 1e9
	out.P50, out.P99 = percentile(ns, 0.5), percentile(ns, 0.99)
	return out, nil
}

func (b *bench) exportChild(ctx context.Context, org *seededOrg, out string) (childResult, error) {
	return runChild(ctx, []string{tokenEnv + "=" + org.APIToken}, childExport,
		"--db", b.dsn, "--assessment", strconv.FormatInt(org.Big.ID, 10), "--out", out)
}

// addScaling compares the time per 1,000 answers at 50 and 100 % with the
// smallest size, for rescore and export, and keeps the worse.
func (b *bench) addScaling(rescore, export []point, fullErr error, errs []string) {
	m := metric{Name: "scaling", Unit: "ms/1k answers", Baseline: "time per 1,000 answers at 25 %",
		Goal: "largest ÷ smallest ≤ 1.5", Points: append(append([]point{}, rescore...), export...)}
	worst := -1.0
	for _, series := range [][]point{rescore, export} {
		smallest := series[0].MsPer1000
		for _, p := range series[1:] {
			if smallest <= 0 {
				continue
			}
			if r := p.MsPer1000 / smallest; r > worst {
				worst, m.Value, m.BaselineValue = r, p.MsPer1000, smallest
				m.Note = fmt.Sprintf("worst: %s at %.0f%%", p.Work, p.Fraction*100)
			}
		}
	}
	m.Ratio = max(worst, 0)
	if fullErr != nil {
		errs = append(errs, fullErr.Error())
	}
	m.Errors = int64(len(errs))
	if len(errs) > 0 {
		m.Note += "; " + strings.Join(errs, "; ")
	}
	m.Met = len(errs) == 0 && worst > 0 && m.Ratio <= 1.5
	b.rep.Metrics = append(b.rep.Metrics, m)
}

// get builds a GET request of a fixed URL.
func get(url string, headers func(*fasthttp.Request)) request {
	return func(_ *rand.Rand, req *fasthttp.Request) {
		req.SetRequestURI(url)
		if headers != nil {
			headers(req)
		}
	}
}

func put(req *fasthttp.Request, url string, body []byte) {
	req.Header.SetMethod(fasthttp.MethodPut)
	req.SetRequestURI(url)
	req.Header.SetContentType("application/json")
	req.SetBodyRaw(body)
}

// answerBodies lists one autosave body per possible answer of every question
// of the questionnaires: each option of a level question, each value 1..5 of
// a likert statement.
func answerBodies(qs []*questionnaires.Questionnaire) [][]byte {
	var out [][]byte
	for _, q := range qs {
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				prefix := `{"questionnaire":` + strconv.Quote(q.Key) + `,"question":` + strconv.Quote(qu.Key)
				if q.Scale == questionnaires.ScaleLikert {
					for v := 1; v <= 5; v++ {
						out = append(out, []byte(prefix+`,"value":`+strconv.Itoa(v)+`}`))
					}
					continue
				}
				for _, opt := range qu.Options {
					out = append(out, []byte(prefix+`,"option":`+strconv.Quote(opt.Key)+`}`))
				}
			}
		}
	}
	return out
}

// cpuModel names the processor, from /proc/cpuinfo where there is one.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// loadAverage is the 1-minute load average from /proc/loadavg, or "?": a
// run on a machine busy with other work measures less.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(data)); len(f) > 0 {
		return f[0]
	}
	return "?"
}
