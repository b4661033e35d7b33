package export_test

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gapmap/app/export"
	"gapmap/app/recommend"
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// The benchmark round: 1,000 teams × 5 respondents × 60 questions.
const (
	benchTeams       = 1000
	benchRespondents = 5
	benchDims        = 10
	benchPerDim      = 6
	benchLevels      = 4
)

// syntheticQuestionnaire has benchDims × benchPerDim level-scale questions
// and two recommendations per dimension and transition.
func syntheticQuestionnaire() *questionnaires.Questionnaire {
	q := &questionnaires.Questionnaire{
		Key: "bench", Version: "1", Hash: "0123456789abcdef", Title: "Benchmark questionnaire",
		Scale: questionnaires.ScaleLevel, PassRatio: 0.75,
	}
	for l := 1; l <= benchLevels; l++ {
		q.Levels = append(q.Levels, questionnaires.Level{Level: l, Name: fmt.Sprintf("Level %d", l), Description: "What this level looks like."})
	}
	for d := 0; d < benchDims; d++ {
		dim := questionnaires.Dimension{Key: fmt.Sprintf("dim-%d", d), Title: fmt.Sprintf("Dimension %d", d), Weight: 1, Scale: questionnaires.ScaleLevel}
		for k := 0; k < benchPerDim; k++ {
			qu := questionnaires.Question{Key: fmt.Sprintf("q-%d-%d", d, k), Text: fmt.Sprintf("How does the organization handle practice %d of dimension %d?", k, d), Help: "Look at the evidence.", Weight: 1}
			for l := 1; l <= benchLevels; l++ {
				qu.Options = append(qu.Options, questionnaires.Option{Key: "l" + strconv.Itoa(l), Level: l, Label: fmt.Sprintf("An observable state of practice at level %d.", l)})
			}
			dim.Questions = append(dim.Questions, qu)
		}
		q.Dimensions = append(q.Dimensions, dim)
		for to := 2; to <= benchLevels; to++ {
			for n := 0; n < 2; n++ {
				q.Recommendations = append(q.Recommendations, questionnaires.Recommendation{
					Key: fmt.Sprintf("r-%d-%d-%d", d, to, n), Dimension: dim.Key, ToLevel: to,
					Title: "Do the next thing", Detail: "First steps, owners and a measure of success.", Impact: 1 + n*2, Effort: 1 + (d+n)%3,
				})
			}
		}
	}
	return q
}

func benchLevel(team, resp, question int) int {
	return 1 + (team*7+resp*3+question*5)%benchLevels
}

// benchRound builds the workbook of the benchmark round; its responses are
// generated on the fly, never held in memory.
func benchRound(tb testing.TB) (*export.Workbook, int) {
	tb.Helper()
	q := syntheticQuestionnaire()
	teams := make([]scoring.Team, benchTeams)
	names := make([]string, benchTeams)
	var responses []scoring.Response
	for t := range teams {
		names[t] = fmt.Sprintf("Team %04d", t)
		teams[t] = scoring.Team{ID: int64(t + 1), Name: names[t]}
		for r := 0; r < benchRespondents; r++ {
			resp := scoring.Response{ID: int64(t*benchRespondents + r + 1), TeamID: int64(t + 1)}
			n := 0
			for _, d := range q.Dimensions {
				for _, qu := range d.Questions {
					resp.Answers = append(resp.Answers, scoring.Answer{Question: qu.Key, Level: benchLevel(t, r, n)})
					n++
				}
			}
			responses = append(responses, resp)
		}
	}
	res, err := scoring.Score(scoring.Input{Questionnaire: q, Teams: teams, Responses: responses, Targets: scoring.Targets{Default: benchLevels}})
	if err != nil {
		tb.Fatal(err)
	}
	responses = nil
	in := recommend.Input{Questionnaire: q}
	for _, d := range res.Dimensions {
		in.Dimensions = append(in.Dimensions, recommend.DimensionState{Key: d.Key, Level: d.Level, Target: d.Target, Weight: d.Weight})
	}
	submitted := time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC)
	rows := benchTeams * benchRespondents * benchDims * benchPerDim
	wb := &export.Workbook{
		Round:          export.Round{AssessmentID: 1, Name: "Benchmark", Status: "closed", CreatedAt: submitted},
		ExportedAt:     submitted.Add(240 * time.Hour),
		Questionnaires: []*questionnaires.Questionnaire{q},
		Results:        []*scoring.Result{res},
		Roadmap:        recommend.Build(6, []recommend.Input{in}),
		Plan:           map[recommend.PlanKey]recommend.Plan{},
		Responses: func(emit func(*export.ResponseRow) error) error {
			var row export.ResponseRow
			for t := 0; t < benchTeams; t++ {
				for r := 0; r < benchRespondents; r++ {
					n := 0
					for _, d := range q.Dimensions {
						for _, qu := range d.Questions {
							lvl := benchLevel(t, r, n)
							row = export.ResponseRow{
								TeamName: names[t], Respondent: "Respondent " + strconv.Itoa(r+1), ResponseID: int64(t*benchRespondents + r + 1),
								SubmittedAt: submitted.Add(time.Duration(t) * time.Minute), Questionnaire: q.Key, Question: qu.Key,
								Option: "l" + strconv.Itoa(lvl), Level: lvl,
							}
							if n%17 == 0 {
								row.Comment = "A comment a respondent wrote about this answer."
							}
							if err := emit(&row); err != nil {
								return err
							}
							n++
						}
					}
				}
			}
			return nil
		},
	}
	return wb, rows
}

// peakSampler samples the Go heap and the memory mapped from the OS until
// stopped, and returns the peaks in bytes.
func peakSampler() (stop func() (heap, total uint64)) {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/total:bytes"}}
	var heap, total uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(samples)
			heap = max(heap, samples[0].Value.Uint64())
			total = max(total, samples[1].Value.Uint64())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() (uint64, uint64) {
		close(done)
		wg.Wait()
		return heap, total
	}
}

// BenchmarkExport exports the 300,000-answer round (gapmap) and, in the
// same run, writes the same rows × columns of plain values with excelize's
// stream writer and nothing else (baseline). Both report the peak Go heap
// and the peak memory obtained from the OS while they ran; the gapmap one
// also measures the peak RSS of a child process doing one export.
func BenchmarkExport(b *testing.B) {
	wb, rows := benchRound(b)
	b.Run("gapmap", func(b *testing.B) {
		runtime.GC()
		stop := peakSampler()
		cpu := cpuTime()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			book := *wb // Write lets go of the results it was given
			if err := export.Write(io.Discard, &book); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		heap, total := stop()
		report(b, rows, heap, total, cpuTime()-cpu)
		if rss, err := childPeakRSS(); err == nil {
			b.ReportMetric(float64(rss)/(1<<20), "child-peak-rss-MB")
		} else {
			b.Logf("child process: %v", err)
		}
	})
	b.Run("baseline", func(b *testing.B) {
		runtime.GC()
		stop := peakSampler()
		cpu := cpuTime()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := baselineWrite(io.Discard, rows); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		heap, total := stop()
		report(b, rows, heap, total, cpuTime()-cpu)
	})
}

// cpuTime is the CPU time (user and system) this process has used. On a
// shared machine it varies less than the wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func report(b *testing.B, rows int, heap, total uint64, cpu time.Duration) {
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(total)/(1<<20), "peak-go-sys-MB")
}

// baselineWrite writes rows rows of 12 plain values with the stream writer.
func baselineWrite(w io.Writer, rows int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	vals := make([]any, 12)
	for r := 1; r <= rows+1; r++ {
		vals[0], vals[1], vals[2], vals[3] = "Team 0042", "Respondent 3", r, float64(46419+r%1000)
		vals[4], vals[5], vals[6], vals[7] = "Benchmark questionnaire", "Dimension 4", "q-4-2", "How does the organization handle practice 2 of dimension 4?"
		vals[8], vals[9], vals[10], vals[11] = "An observable state of practice at level 3.", 3, false, ""
		if err := sw.SetRow("A"+strconv.Itoa(r), vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// childEnv makes the test binary run one export in TestExportChild.
const childEnv = "GAPMAP_EXPORT_BENCH_CHILD"

// childPeakRSS runs one export of the benchmark round in a fresh process
// and returns its peak resident set size in bytes (building the synthetic
// round, scores included, is part of it).
func childPeakRSS() (int64, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestExportChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("%v: %s", err, out)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, fmt.Errorf("no rusage on this system")
	}
	return ru.Maxrss * 1024, nil
}

func TestExportChild(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("runs only as the child process of BenchmarkExport")
	}
	wb, _ := benchRound(t)
	runtime.GC()
	if err := export.Write(io.Discard, wb); err != nil {
		t.Fatal(err)
	}
}
