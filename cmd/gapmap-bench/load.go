package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// The load generator is closed-loop: each of N connections sends a request,
// waits for the whole response, and sends the next one, for a fixed time
// after a warm-up. That measures what a server sustains at a fixed
// concurrency (as wrk does, which the stack notes' reference figures came
// from) and how long each request then takes. An open-loop constant-rate
// generator such as vegeta needs a rate chosen in advance: below capacity it
// reports that rate rather than the capacity, and above it the queue grows
// without bound, so throughput ratios between servers of very different
// capacity would depend on the rate picked rather than on the servers.
// fasthttp (already a dependency through fiber) keeps the client's own CPU
// cost low, which matters when client and servers share two cores.

// request fills req for one call; rng is the connection's own generator.
type request func(rng *rand.Rand, req *fasthttp.Request)

// loadSpec is one load run against one server.
type loadSpec struct {
	Addr        string // host:port
	Build       request
	Connections int
	Warmup      time.Duration
	Duration    time.Duration
}

// loadResult is what one load run measured in its timed window.
type loadResult struct {
	OK         int64   // responses with status 200
	Errors     int64   // transport errors and other statuses
	Seconds    float64 // length of the timed window
	RPS        float64 // OK responses per second
	P50, P99   float64 // latency of completed requests, milliseconds
	FirstError string  // the first error seen, for the report
}

type connStats struct {
	ok, errs  int64
	latencies []int64
	firstErr  string
}

// runLoad drives one server with spec.Connections closed-loop connections.
func runLoad(spec loadSpec) loadResult {
	start := time.Now()
	measureFrom := start.Add(spec.Warmup)
	end := measureFrom.Add(spec.Duration)
	stats := make([]connStats, spec.Connections)
	var wg sync.WaitGroup
	for i := range stats {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			stats[i] = oneConn(spec, uint64(i), measureFrom, end)
		}(i)
	}
	wg.Wait()
	res := loadResult{Seconds: spec.Duration.Seconds()}
	var all []int64
	for _, s := range stats {
		res.OK += s.ok
		res.Errors += s.errs
		all = append(all, s.latencies...)
		if res.FirstError == "" {
			res.FirstError = s.firstErr
		}
	}
	res.RPS = float64(res.OK) / res.Seconds
	slices.Sort(all)
	res.P50 = percentile(all, 0.50)
	res.P99 = percentile(all, 0.99)
	return res
}

func oneConn(spec loadSpec, seed uint64, measureFrom, end time.Time) connStats {
	hc := &fasthttp.HostClient{
		Addr:                spec.Addr,
		MaxConns:            1,
		ReadTimeout:         60 * time.Second,
		WriteTimeout:        60 * time.Second,
		MaxIdleConnDuration: time.Minute,
	}
	defer hc.CloseIdleConnections()
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	var s connStats
	s.latencies = make([]int64, 0, 4096)
	for {
		t0 := time.Now()
		if !t0.Before(end) {
			return s
		}
		req.Reset()
		spec.Build(rng, req)
		err := hc.Do(req, resp)
		elapsed := time.Since(t0)
		if t0.Before(measureFrom) {
			continue
		}
		if err != nil {
			s.errs++
			if s.firstErr == "" {
				s.firstErr = err.Error()
			}
			continue
		}
		s.latencies = append(s.latencies, int64(elapsed))
		if resp.StatusCode() != fasthttp.StatusOK {
			s.errs++
			if s.firstErr == "" {
				body := resp.Body()
				s.firstErr = fmt.Sprintf("%s %s: status %d: %.200s", req.Header.Method(), req.URI().Path(), resp.StatusCode(), body)
			}
			continue
		}
		s.ok++
	}
}

// percentile returns the p-quantile of sorted nanoseconds, in milliseconds.
func percentile(sorted []int64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	i = min(max(i, 0), len(sorted)-1)
	return float64(sorted[i]) / 1e6
}
