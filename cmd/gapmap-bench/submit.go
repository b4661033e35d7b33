package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"gapmap/questionnaires"
)

// client makes single requests to one server, outside the load generator.
type client struct {
	hc *fasthttp.HostClient
}

func newClient(addr string) *client {
	return &client{hc: &fasthttp.HostClient{Addr: addr, MaxConns: 16, ReadTimeout: time.Minute, WriteTimeout: time.Minute}}
}

// reply is one answer of the server.
type reply struct {
	Status          int
	Body            []byte // as sent (compressed when the server compressed it)
	ContentType     string
	ContentEncoding string
	Elapsed         time.Duration
}

// do sends one request (a browser's Accept-Encoding unless the headers set
// another) and returns the answer, or an error naming the request.
func (c *client) do(method, uri string, body []byte, headers map[string]string) (reply, error) {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetMethod(method)
	req.SetRequestURI("http://" + c.hc.Addr + uri)
	req.Header.Set(fasthttp.HeaderAcceptEncoding, "gzip, deflate, br")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if body != nil {
		req.Header.SetContentType("application/json")
		req.SetBodyRaw(body)
	}
	start := time.Now()
	err := c.hc.DoTimeout(req, resp, time.Minute)
	r := reply{Elapsed: time.Since(start)}
	if err != nil {
		return r, fmt.Errorf("%s %s: %w", method, uri, err)
	}
	r.Status = resp.StatusCode()
	r.Body = append([]byte(nil), resp.Body()...)
	r.ContentType = string(resp.Header.ContentType())
	r.ContentEncoding = string(resp.Header.ContentEncoding())
	return r, nil
}

// plain returns the body decompressed.
func (r reply) plain() ([]byte, error) {
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseResponse(resp)
	resp.Header.SetContentEncoding(r.ContentEncoding)
	resp.SetBodyRaw(r.Body)
	return resp.BodyUncompressed()
}

// oneAnswerEach returns one autosave body per question of the
// questionnaires, with a random answer: what a respondent who answers
// every question sends.
func oneAnswerEach(qs []*questionnaires.Questionnaire, rng *rand.Rand) [][]byte {
	var out [][]byte
	for _, q := range qs {
		for _, d := range q.Dimensions {
			for _, qu := range d.Questions {
				prefix := `{"questionnaire":` + strconv.Quote(q.Key) + `,"question":` + strconv.Quote(qu.Key)
				if q.Scale == questionnaires.ScaleLikert || len(qu.Options) == 0 {
					out = append(out, []byte(prefix+`,"value":`+strconv.Itoa(1+rng.IntN(5))+`}`))
					continue
				}
				out = append(out, []byte(prefix+`,"option":`+strconv.Quote(pick(rng, qu.Options).Key)+`}`))
			}
		}
	}
	return out
}

// fill answers every question of each response through the survey API,
// with a few responses at a time.
func (b *bench) fill(c *client, tokens []string) error {
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	next := make(chan string)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 77))
			for tok := range next {
				for _, body := range oneAnswerEach(b.qs, rng) {
					r, err := c.do(fasthttp.MethodPut, "/api/v1/survey/"+tok+"/answers", body, nil)
					if err == nil && r.Status != fasthttp.StatusOK {
						err = fmt.Errorf("PUT /api/v1/survey/…/answers: status %d: %.200s", r.Status, r.Body)
					}
					if err != nil {
						mu.Lock()
						if firstErr == nil {
							firstErr = err
						}
						mu.Unlock()
						break
					}
				}
			}
		}(uint64(w))
	}
	for _, tok := range tokens {
		next <- tok
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("fill responses: %w", firstErr)
	}
	return nil
}

// submitted is the outcome of a series of submissions.
type submitted struct {
	latencies []int64 // nanoseconds, sorted by submit stats
	ok, errs  int64
	firstErr  string
	lastAck   time.Time // when the last successful submission was acknowledged
}

func (s *submitted) submit(c *client, tok string) {
	r, err := c.do(fasthttp.MethodPost, "/api/v1/survey/"+tok+"/submit", nil, nil)
	if err == nil && r.Status != fasthttp.StatusOK {
		err = fmt.Errorf("POST /api/v1/survey/…/submit: status %d: %.200s", r.Status, r.Body)
	}
	if err != nil {
		s.errs++
		if s.firstErr == "" {
			s.firstErr = err.Error()
		}
		return
	}
	s.ok++
	s.lastAck = time.Now()
	s.latencies = append(s.latencies, int64(r.Elapsed))
}

func (s *submitted) percentiles() (p50, p99 float64) {
	slices.Sort(s.latencies)
	return percentile(s.latencies, 0.5), percentile(s.latencies, 0.99)
}

// submissions starts gapmap again and runs submitMetrics.
func (b *bench) submissions(ctx context.Context) error {
	g, err := b.startServers(ctx)
	if err != nil {
		return fmt.Errorf("start gapmap: %w", err)
	}
	defer g.Close()
	acked, err := b.submitMetrics(g.Addrs, b.autosaveP99)
	if err != nil {
		return err
	}
	m, err := b.countLost(ctx, b.main, acked, len(oneAnswerEach(b.qs, rand.New(rand.NewPCG(1, 1)))))
	if err != nil {
		return err
	}
	b.rep.Metrics = append(b.rep.Metrics, m)
	return nil
}

// submitMetrics measures submissions into the 10-response round of another
// organization and into the big round (submit_small, submit_big), autosaves
// of that other organization while submissions flow into the big round
// (autosave_during_submits), and how soon the results of the big round
// include the last of them (results_freshness). Every response is filled
// through the survey API first, untimed.
//
// With several instances, submissions go to each in turn and autosaves
// spread over them. It returns how many submissions into the big round
// were acknowledged.
func (b *bench) submitMetrics(addrs []string, autosaveP99 float64) (int, error) {
	gAddr := addrs[0]
	c := newClient(gAddr)
	clients := make([]*client, len(addrs))
	for i, a := range addrs {
		clients[i] = newClient(a)
	}
	turn := 0
	nextClient := func() *client {
		turn++
		return clients[turn%len(clients)]
	}
	n := b.opts.submissions()
	big, other := b.main.Big, b.other.Big
	smallToks := other.Fresh[:n]
	bigToks := big.Fresh[:n]
	duringToks := big.Fresh[n : n+b.opts.duringSubmissions()]
	b.progress("submissions: filling %d responses through the survey API ...", len(smallToks)+len(bigToks)+len(duringToks))
	for _, toks := range [][]string{smallToks, bigToks, duringToks} {
		if err := b.fill(c, toks); err != nil {
			return 0, err
		}
	}
	b.progress("submissions: %d into the %d-response round, then %d into the %d-response round, one by one", n, other.Responses, n, big.Responses)
	var small, large submitted
	for _, tok := range smallToks {
		small.submit(nextClient(), tok)
	}
	if err := b.waitFresh(c, b.other, other.Responses+int(small.ok), time.Minute); err != nil {
		b.progress("submissions: %v", err)
	}
	for _, tok := range bigToks {
		large.submit(nextClient(), tok)
	}
	sp50, sp99 := small.percentiles()
	bp50, bp99 := large.percentiles()
	ms := metric{Name: "submit_small", Value: sp50, Unit: "ms p50", P50: sp50, P99: sp99, Errors: small.errs,
		Baseline: "—", Goal: "reference of submit_big, 0 errors", Met: small.errs == 0 && small.ok > 0,
		Note: fmt.Sprintf("POST /api/v1/survey/{token}/submit × %d into a round of %d responses (another organization)", n, other.Responses)}
	if small.firstErr != "" {
		ms.Note += "; first error: " + small.firstErr
	}
	b.rep.Metrics = append(b.rep.Metrics, ms)
	mb := metric{Name: "submit_big", Value: bp50, Unit: "ms p50", P50: bp50, P99: bp99, Errors: large.errs,
		Baseline: "submit_small p50", BaselineValue: sp50, Goal: "p50 ≤ 2 × submit_small p50, p99 ≤ 50 ms, 0 errors",
		Note: fmt.Sprintf("POST /api/v1/survey/{token}/submit × %d, one by one, into the big round of %d responses", n, big.Responses)}
	if sp50 > 0 {
		mb.Ratio = bp50 / sp50
	}
	mb.Met = large.errs == 0 && small.errs == 0 && large.ok > 0 && mb.Ratio <= 2 && bp99 <= 50
	if large.firstErr != "" {
		mb.Note += "; first error: " + large.firstErr
	}
	b.rep.Metrics = append(b.rep.Metrics, mb)

	// Autosaves of the other organization while the big round takes
	// submitRate submissions a second.
	o := b.opts
	b.progress("autosave_during_submits: %d connections autosave in another organization for %s after %s warm-up, %d submissions/s into the big round",
		o.Connections, o.Duration, o.Warmup, submitRate)
	bodies := answerBodies(b.qs)
	spec := loadSpec{Addr: gAddr, Addrs: addrs, Connections: o.Connections, Warmup: o.Warmup, Duration: o.Duration,
		Build: func(rng *rand.Rand, req *fasthttp.Request) {
			put(req, "http://"+gAddr+"/api/v1/survey/"+pick(rng, other.Drafts)+"/answers", pick(rng, bodies))
		}}
	var during submitted
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Second / submitRate)
		defer tick.Stop()
		for _, tok := range duringToks {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			during.submit(nextClient(), tok)
		}
	}()
	as := drive(spec, o.Warmup, o.Duration)
	close(stop)
	<-done
	slices.Sort(as.latencies)
	secs := o.Duration.Seconds()
	md := metric{Name: "autosave_during_submits", Value: float64(as.ok) / secs, Unit: "req/s",
		P50: percentile(as.latencies, 0.5), P99: percentile(as.latencies, 0.99), Errors: as.errs + during.errs,
		Baseline: "autosave p99 without submissions", BaselineValue: autosaveP99, Goal: "p99 ≤ 50 ms, 0 errors",
		Note: fmt.Sprintf("PUT answers of %d drafts of another organization, %d connections, while %d submissions (%d failed) went into the big round at %d/s; ratio: p99 over the p99 of autosave",
			len(other.Drafts), o.Connections, during.ok+during.errs, during.errs, submitRate)}
	if as.ok > 0 {
		md.ResponseBytes = float64(as.bytes) / float64(as.ok)
	}
	if autosaveP99 > 0 {
		md.Ratio = md.P99 / autosaveP99
	}
	md.Met = md.P99 <= 50 && md.Errors == 0 && as.ok > 0
	for _, e := range []string{as.firstErr, during.firstErr} {
		if e != "" {
			md.Note += "; first error: " + e
		}
	}
	b.rep.Metrics = append(b.rep.Metrics, md)

	// Freshness: from the last acknowledged submission until the results
	// API includes it.
	want := big.Responses + int(large.ok+during.ok)
	mf := metric{Name: "results_freshness", Unit: "s", Baseline: "goal", BaselineValue: 2, Goal: "≤ 2 s",
		Note: fmt.Sprintf("GET /api/v1/assessments/{id}/results of the big round every 20 ms until pending is false and it counts %d respondents", want)}
	last := during.lastAck
	if last.IsZero() {
		last = large.lastAck
	}
	if err := b.waitFresh(c, b.main, want, 2*time.Minute); err != nil {
		mf.Errors = 1
		mf.Note += "; " + err.Error()
	}
	mf.Value = time.Since(last).Seconds()
	mf.P50, mf.P99 = mf.Value*1000, mf.Value*1000
	mf.Ratio = mf.Value / 2
	mf.Met = mf.Errors == 0 && mf.Value <= 2
	b.rep.Metrics = append(b.rep.Metrics, mf)
	return int(large.ok + during.ok), nil
}

// waitFresh polls the results API of the organization's big round until it
// is not pending and counts want respondents in its first questionnaire, or
// the limit passes.
func (b *bench) waitFresh(c *client, org *seededOrg, want int, limit time.Duration) error {
	uri := "/api/v1/assessments/" + strconv.FormatInt(org.Big.ID, 10) + "/results"
	hdr := map[string]string{"Authorization": "Bearer " + org.APIToken}
	deadline := time.Now().Add(limit)
	var got struct {
		Pending        bool `json:"pending"`
		Questionnaires []struct {
			Teams []struct {
				Respondents int `json:"respondents"`
			} `json:"teams"`
		} `json:"questionnaires"`
	}
	seen := -1
	for {
		r, err := c.do(fasthttp.MethodGet, uri, nil, hdr)
		if err != nil {
			return err
		}
		if r.Status != fasthttp.StatusOK {
			return fmt.Errorf("GET %s: status %d: %.200s", uri, r.Status, r.Body)
		}
		body, err := r.plain()
		if err != nil {
			return fmt.Errorf("GET %s: decompress: %w", uri, err)
		}
		got.Questionnaires = nil
		if err := json.Unmarshal(body, &got); err != nil {
			return fmt.Errorf("GET %s: %w", uri, err)
		}
		seen = 0
		if len(got.Questionnaires) > 0 {
			for _, t := range got.Questionnaires[0].Teams {
				seen += t.Respondents
			}
		}
		if !got.Pending && seen == want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("results not fresh after %s: pending %v, %d respondents, want %d", limit, got.Pending, seen, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
