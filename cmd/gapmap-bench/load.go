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
	Addr        string   // host:port
	Addrs       []string // when set, connection i goes to Addrs[i % len] instead of Addr
	Build       request
	Connections int
	Warmup      time.Duration
	Duration    time.Duration
}

// loadResult is what one load run measured in its timed window.
type loadResult struct {
	OK         int64   // responses with a 2xx status
	Errors     int64   // transport errors and other statuses
	Seconds    float64 // length of the timed window
	RPS        float64 // OK responses per second
	P50, P99   float64 // latency of completed requests, milliseconds
	Bytes      float64 // mean size of an OK response body, as sent
	FirstError string  // the first error seen, for the report
}

type connStats struct {
	ok, errs  int64
	bytes     int64 // body bytes of OK responses
	latencies []int64
	firstErr  string
}

// add merges the counts of another run of the same server.
func (s *connStats) add(o connStats) {
	s.ok += o.ok
	s.errs += o.errs
	s.bytes += o.bytes
	s.latencies = append(s.latencies, o.latencies...)
	if s.firstErr == "" {
		s.firstErr = o.firstErr
	}
}

// runGroup drives the servers of specs in turn, in rounds slices each (every
// spec's Duration is shared among its slices; its full warm-up precedes the
// first slice, a share of it the others). Alternating the servers of one
// comparison in short slices makes them see the same machine even when
// other work on it comes and goes.
func runGroup(specs []loadSpec, rounds int) []loadResult {
	rounds = max(rounds, 1)
	acc := make([]connStats, len(specs))
	for r := 0; r < rounds; r++ {
		for i, spec := range specs {
			warm := spec.Warmup / time.Duration(rounds)
			if r == 0 {
				warm = spec.Warmup
			}
			acc[i].add(drive(spec, warm, spec.Duration/time.Duration(rounds)))
		}
	}
	out := make([]loadResult, len(specs))
	for i, a := range acc {
		out[i] = loadResult{OK: a.ok, Errors: a.errs, Seconds: specs[i].Duration.Seconds(), FirstError: a.firstErr}
		out[i].RPS = float64(a.ok) / out[i].Seconds
		if a.ok > 0 {
			out[i].Bytes = float64(a.bytes) / float64(a.ok)
		}
		slices.Sort(a.latencies)
		out[i].P50 = percentile(a.latencies, 0.50)
		out[i].P99 = percentile(a.latencies, 0.99)
	}
	return out
}

// drive runs spec.Connections closed-loop connections for warm + dur and
// counts what completes in the timed part.
func drive(spec loadSpec, warm, dur time.Duration) connStats {
	measureFrom := time.Now().Add(warm)
	end := measureFrom.Add(dur)
	stats := make([]connStats, spec.Connections)
	var wg sync.WaitGroup
	for i := range stats {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cs := spec
			if len(spec.Addrs) > 0 {
				cs.Addr = spec.Addrs[i%len(spec.Addrs)]
			}
			stats[i] = oneConn(cs, uint64(i)+uint64(measureFrom.UnixNano()), measureFrom, end)
		}(i)
	}
	wg.Wait()
	var all connStats
	for _, s := range stats {
		all.add(s)
	}
	return all
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
		// Browsers, phones included, always offer compression.
		req.Header.Set(fasthttp.HeaderAcceptEncoding, "gzip, deflate, br")
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
		if code := resp.StatusCode(); code < fasthttp.StatusOK || code >= fasthttp.StatusMultipleChoices { // 201 of open_join counts
			s.errs++
			if s.firstErr == "" {
				body := resp.Body()
				s.firstErr = fmt.Sprintf("%s %s: status %d: %.200s", req.Header.Method(), req.URI().Path(), resp.StatusCode(), body)
			}
			continue
		}
		s.ok++
		s.bytes += int64(len(resp.Body()))
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
