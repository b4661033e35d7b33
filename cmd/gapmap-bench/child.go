package main

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// Hidden sub-commands run in a child process of the harness, each doing one
// piece of work and printing a childResult as the last line of its output.
const (
	childExport = "__export" // gapmap's xlsx export of one round, over HTTP
	childStream = "__stream" // the baseline: excelize's stream writer
)

// tokenEnv passes the API token to the export child (not on its command line).
const tokenEnv = "GAPMAP_BENCH_TOKEN"

func runChildCommand(ctx context.Context, name string, args []string) int {
	var res childResult
	var err error
	switch name {
	case childExport:
		res, err = exportChild(ctx, args)
	case childStream:
		res, err = streamChild(args)
	default:
		err = fmt.Errorf("unknown child command %q", name)
	}
	res.PeakRSSMB = peakRSSMB()
	if err != nil {
		res.Error = err.Error()
	}
	js, _ := json.Marshal(res)
	fmt.Println(string(js))
	if err != nil {
		return 1
	}
	return 0
}

// exportChild starts gapmap on the database, as the parent does, and
// downloads the export of one round into a file.
func exportChild(ctx context.Context, args []string) (childResult, error) {
	fs := flag.NewFlagSet(childExport, flag.ContinueOnError)
	db := fs.String("db", "", "SQLite file")
	id := fs.Int64("assessment", 0, "assessment id")
	out := fs.String("out", "", "file to write the workbook to")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the export request to this file")
	memProfile := fs.String("memprofile", "", "write the heap profile taken when the heap was largest during the export to this file")
	if err := fs.Parse(args); err != nil {
		return childResult{}, err
	}
	dir, err := os.MkdirTemp(filepath.Dir(*out), "export-child-")
	if err != nil {
		return childResult{}, err
	}
	srv, err := startGapmap(ctx, dir, *db)
	if err != nil {
		return childResult{}, err
	}
	defer srv.Close()
	f, err := os.Create(*out)
	if err != nil {
		return childResult{}, err
	}
	defer f.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://%s%s", srv.Addr, exportPath(*id)), nil)
	if err != nil {
		return childResult{}, err
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv(tokenEnv))
	if *profile != "" {
		pf, err := os.Create(*profile)
		if err != nil {
			return childResult{}, err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return childResult{}, err
		}
		defer pprof.StopCPUProfile()
	}
	if *memProfile != "" {
		stop := watchHeap(*memProfile)
		defer stop()
	}
	start := time.Now()
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		return childResult{}, fmt.Errorf("export request: %w", err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(f, resp.Body)
	elapsed := time.Since(start)
	if err != nil {
		return childResult{}, fmt.Errorf("export download: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := os.ReadFile(*out)
		return childResult{}, fmt.Errorf("GET %s: status %d: %.300s", exportPath(*id), resp.StatusCode, body)
	}
	return childResult{Seconds: elapsed.Seconds(), Bytes: n}, nil
}

// watchHeap samples the heap every 100 ms and writes a heap profile to
// path whenever it is larger than at any sample before, until stop is
// called: the profile shows what held the memory at the peak.
func watchHeap(path string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var peak uint64
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse <= peak {
				continue
			}
			peak = m.HeapInuse
			if f, err := os.Create(path); err == nil {
				_ = pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}()
	return func() { close(done); <-finished }
}

func exportPath(id int64) string {
	return "/api/v1/assessments/" + strconv.FormatInt(id, 10) + "/export.xlsx"
}

// streamChild writes rows × cols plain values (texts of the real
// questionnaires, numbers, a date) with excelize's stream writer, the
// floor for a workbook of that size.
func streamChild(args []string) (childResult, error) {
	fs := flag.NewFlagSet(childStream, flag.ContinueOnError)
	rows := fs.Int("rows", 0, "data rows")
	cols := fs.Int("cols", 11, "columns")
	out := fs.String("out", "", "file to write the workbook to")
	if err := fs.Parse(args); err != nil {
		return childResult{}, err
	}
	qs, err := benchQuestionnaires()
	if err != nil {
		return childResult{}, err
	}
	type q struct{ qkey, dim, key, text, label string }
	var pool []q
	for _, qn := range qs {
		for _, d := range qn.Dimensions {
			for _, qu := range d.Questions {
				label := "Agree"
				if len(qu.Options) > 0 {
					label = qu.Options[len(qu.Options)/2].Label
				}
				pool = append(pool, q{qn.Key, d.Key, qu.Key, qu.Text, label})
			}
		}
	}
	start := time.Now()
	f := excelize.NewFile()
	defer f.Close()
	header := make([]any, *cols)
	for c := range header {
		header[c] = "Column " + strconv.Itoa(c+1)
	}
	// A sheet holds at most excelize.TotalRows rows: more rows go on to
	// further sheets, each with the header.
	var sw *excelize.StreamWriter
	sheetRow := 0
	submitted := time.Date(2026, 3, 31, 14, 5, 0, 0, time.UTC)
	row := make([]any, *cols)
	for r := 0; r < *rows; r++ {
		if sw == nil || sheetRow == excelize.TotalRows {
			if sw != nil {
				if err := sw.Flush(); err != nil {
					return childResult{}, err
				}
			}
			name := "Sheet1"
			if sw != nil {
				name = "Sheet" + strconv.Itoa(r/(excelize.TotalRows-1)+1)
				if _, err := f.NewSheet(name); err != nil {
					return childResult{}, err
				}
			}
			var err error
			if sw, err = f.NewStreamWriter(name); err != nil {
				return childResult{}, err
			}
			if err := sw.SetRow("A1", header); err != nil {
				return childResult{}, err
			}
			sheetRow = 1
		}
		p := pool[r%len(pool)]
		sample := []any{
			"Team " + strconv.Itoa(r/300+1), "respondent " + strconv.Itoa(r/60%5+1), submitted, p.qkey, p.dim,
			p.key, p.text, p.label, r%5 + 1, false, "",
		}
		for c := range row {
			row[c] = sample[c%len(sample)]
		}
		sheetRow++
		cell, err := excelize.CoordinatesToCellName(1, sheetRow)
		if err != nil {
			return childResult{}, err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return childResult{}, err
		}
	}
	if sw != nil {
		if err := sw.Flush(); err != nil {
			return childResult{}, err
		}
	}
	file, err := os.Create(*out)
	if err != nil {
		return childResult{}, err
	}
	defer file.Close()
	// The zip goes straight to the file, as gapmap's export writes it
	// (excelize's Write would first assemble the whole zip in memory).
	w := bufio.NewWriter(file)
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if _, err := f.WriteTo(w); err != nil {
		return childResult{}, err
	}
	if err := w.Flush(); err != nil {
		return childResult{}, err
	}
	st, err := file.Stat()
	if err != nil {
		return childResult{}, err
	}
	return childResult{Seconds: time.Since(start).Seconds(), Bytes: st.Size()}, nil
}

// responsesColumns reads the width of the header row of the Responses sheet
// of an exported workbook, so the baseline writes as many columns.
func responsesColumns(path string) (int, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sheet := ""
	for _, name := range f.GetSheetList() {
		if name == "Responses" {
			sheet = name
		}
	}
	if sheet == "" {
		return 0, fmt.Errorf("no Responses sheet in the export")
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	if !rows.Next() {
		return 0, fmt.Errorf("empty Responses sheet")
	}
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	return len(cols), nil
}
