package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"gapmap/app/recommend"
	"gapmap/app/store"
	"gapmap/models"
)

// The helpers of this file carry an rpt prefix.

// rptKeys is the exact field set of a recommendation in the API (the
// order is pinned in app/recommend).
var rptKeys = []string{"detail", "dimension", "effort", "from_level", "impact", "key", "phase", "priority", "questionnaire", "quick_win", "rank", "title", "to_level", "why"}

// rptItems checks the JSON contract of a recommendations response and
// decodes it.
func rptItems(t *testing.T, r apiResult) []recommend.Item {
	t.Helper()
	var raw []map[string]any
	r.decode(t, &raw)
	for _, m := range raw {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if !slices.Equal(keys, rptKeys) {
			t.Fatalf("item keys %v, want %v", keys, rptKeys)
		}
	}
	var items []recommend.Item
	r.decode(t, &items)
	phaseEffort := map[string]int{}
	for i, it := range items {
		if it.Rank != i+1 {
			t.Errorf("item %d has rank %d", i, it.Rank)
		}
		if it.Phase != "now" && it.Phase != "next" && it.Phase != "later" {
			t.Errorf("item %s has phase %q", it.Key, it.Phase)
		}
		if it.Title == "" || it.Detail == "" || it.Why == "" || it.Priority <= 0 || it.ToLevel <= it.FromLevel {
			t.Errorf("incomplete item %+v", it)
		}
		if it.QuickWin != (it.Impact == 3 && it.Effort == 1) {
			t.Errorf("item %s: quick_win %v for impact %d effort %d", it.Key, it.QuickWin, it.Impact, it.Effort)
		}
		phaseEffort[it.Phase] += it.Effort
	}
	if phaseEffort["now"] > 6 || phaseEffort["next"] > 6 {
		t.Errorf("phases hold more than the capacity of 6: %v", phaseEffort)
	}
	return items
}

func TestRecommendationsAPI(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Alpha", "Beta", "Gamma", "Idle")
		other := ts.newOrg("Other", "Foreign")
		alpha, beta, gamma, idle := o.Teams[0], o.Teams[1], o.Teams[2], o.Teams[3]
		round := ts.newRound(o)
		// Alpha is at level 1 everywhere, Beta and Gamma at 3 (the default
		// target): the organization (lower median of 1, 3, 3) is at 3.
		ts.seedLevels(o, round.ID, map[int64]int{alpha.ID: 1, beta.ID: 3, gamma.ID: 3},
			map[int64]int{alpha.ID: 1, beta.ID: 5, gamma.ID: 5})
		_, memberTok := ts.addPerson(o, "mo@example.com", models.RoleMember, alpha.ID)
		_, leaderTok := ts.addPerson(o, "lea@example.com", models.RoleLeader)
		base := fmt.Sprintf("/api/v1/assessments/%d/recommendations", round.ID)

		org := rptItems(t, ts.want(ts.call("GET", base, o.Token, nil), http.StatusOK, "organization"))
		if len(org) != 0 {
			t.Errorf("organization at its target everywhere got %d recommendations: %+v", len(org), org[0])
		}

		team := rptItems(t, ts.want(ts.call("GET", fmt.Sprintf("%s?team_id=%d", base, alpha.ID), o.Token, nil), http.StatusOK, "team Alpha"))
		if len(team) == 0 {
			t.Fatal("team Alpha (level 1, target 3) got no recommendations")
		}
		qs := map[string]bool{}
		toLevels := map[int]bool{}
		for _, it := range team {
			qs[it.Questionnaire] = true
			toLevels[it.ToLevel] = true
			// On the CNCF questionnaire every answer of Alpha is at level 1
			// (on the agreement scale, reversed statements lift it).
			if it.Questionnaire == "cncf-platform-maturity" && it.FromLevel != 1 {
				t.Errorf("team item %s starts from level %d, want the team's level 1", it.Key, it.FromLevel)
			}
			if it.ToLevel > 3 {
				t.Errorf("team item %s goes beyond the target: %d", it.Key, it.ToLevel)
			}
		}
		if !qs["cncf-platform-maturity"] || !qs["gartner-platform-axes"] || !toLevels[2] || !toLevels[3] {
			t.Errorf("team items cover questionnaires %v and levels %v", qs, toLevels)
		}
		// The next level counts fully, the one after half as much: in each
		// dimension, the first item toward level 2 outranks those toward 3
		// with the same impact and effort.
		for _, a := range team {
			for _, b := range team {
				if a.Dimension == b.Dimension && a.Questionnaire == b.Questionnaire && a.ToLevel == 2 && b.ToLevel == 3 &&
					a.Impact == b.Impact && a.Effort == b.Effort && a.Priority != 2*b.Priority {
					t.Errorf("priority %v toward 2 and %v toward 3 for the same impact and effort", a.Priority, b.Priority)
				}
			}
		}

		atTarget := rptItems(t, ts.want(ts.call("GET", fmt.Sprintf("%s?team_id=%d", base, beta.ID), leaderTok, nil), http.StatusOK, "team Beta"))
		if len(atTarget) != 0 {
			t.Errorf("team Beta at its target got %d recommendations", len(atTarget))
		}
		rptItems(t, ts.want(ts.call("GET", fmt.Sprintf("%s?team_id=%d", base, alpha.ID), memberTok, nil), http.StatusOK, "member, own team"))
		rptItems(t, ts.want(ts.call("GET", base, memberTok, nil), http.StatusOK, "member, organization"))

		for _, tc := range []struct {
			name, path, token string
			want              int
		}{
			{"member, another team", fmt.Sprintf("%s?team_id=%d", base, beta.ID), memberTok, http.StatusForbidden},
			{"team of another org", fmt.Sprintf("%s?team_id=%d", base, other.Teams[0].ID), o.Token, http.StatusNotFound},
			{"unknown team", base + "?team_id=999999", o.Token, http.StatusNotFound},
			{"bad team id", base + "?team_id=abc", o.Token, http.StatusUnprocessableEntity},
			{"round of another org", base, other.Token, http.StatusNotFound},
			{"unknown round", "/api/v1/assessments/999999/recommendations", o.Token, http.StatusNotFound},
			{"no token", base, "", http.StatusUnauthorized},
		} {
			ts.want(ts.call("GET", tc.path, tc.token, nil), tc.want, tc.name)
		}

		// A team of the org that does not take part in the round.
		late, err := ts.st.CreateTeam(context.Background(), o.ID, "Late")
		if err != nil {
			t.Fatal(err)
		}
		ts.want(ts.call("GET", fmt.Sprintf("%s?team_id=%d", base, late.ID), o.Token, nil), http.StatusNotFound, "team not in the round")
		// A participating team without answers has no levels, so nothing to recommend.
		if got := rptItems(t, ts.want(ts.call("GET", fmt.Sprintf("%s?team_id=%d", base, idle.ID), o.Token, nil), http.StatusOK, "idle team")); len(got) != 0 {
			t.Errorf("team without answers got %d recommendations", len(got))
		}
	})
}

func TestRecommendationsOfTheOrganization(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Alpha", "Beta")
		round := ts.newRound(o)
		// Lower median of 2 and 4 is 2: one level below the default target 3.
		ts.seedLevels(o, round.ID, map[int64]int{o.Teams[0].ID: 2, o.Teams[1].ID: 4}, map[int64]int{o.Teams[0].ID: 3, o.Teams[1].ID: 3})
		items := rptItems(t, ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/recommendations", round.ID), o.Token, nil), http.StatusOK, "organization"))
		cncf := 0
		for _, it := range items {
			if it.Questionnaire != "cncf-platform-maturity" {
				continue
			}
			cncf++
			if it.FromLevel != 2 || it.ToLevel != 3 {
				t.Errorf("organization item %s: %d → %d, want 2 → 3", it.Key, it.FromLevel, it.ToLevel)
			}
		}
		if want := len(ts.shippedQ("cncf-platform-maturity").Dimensions) * 2; cncf < want {
			t.Errorf("%d organization items for the CNCF questionnaire, want at least %d (two per dimension)", cncf, want)
		}
		if items[0].Phase != "now" {
			t.Errorf("the first item is in phase %q", items[0].Phase)
		}
	})
}

// rptMarkdownCheck parses the Markdown with a CommonMark + GFM parser and
// returns the texts of its headings by level and the number of tables; it
// fails on raw HTML and on table rows whose cells do not match the header.
func rptMarkdownCheck(t *testing.T, src []byte) (map[int][]string, int) {
	t.Helper()
	doc := goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser().Parse(text.NewReader(src))
	heads := map[int][]string{}
	tables := 0
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindHTMLBlock, ast.KindRawHTML:
			t.Errorf("raw HTML in the Markdown report")
		case ast.KindHeading:
			var b bytes.Buffer
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if tx, ok := c.(*ast.Text); ok {
					b.Write(tx.Segment.Value(src))
				}
			}
			h := n.(*ast.Heading)
			heads[h.Level] = append(heads[h.Level], b.String())
		case east.KindTable:
			tables++
			cols := len(n.(*east.Table).Alignments)
			for row := n.FirstChild(); row != nil; row = row.NextSibling() {
				if row.ChildCount() != cols {
					t.Errorf("table row with %d cells for %d columns", row.ChildCount(), cols)
				}
			}
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return heads, tables
}

func TestReportMarkdown(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Alpha", "<script>alert(1)</script> | Ops")
		alpha, hostile := o.Teams[0], o.Teams[1]
		round := ts.newRound(o)
		ts.seedLevels(o, round.ID, map[int64]int{alpha.ID: 1, hostile.ID: 2}, map[int64]int{alpha.ID: 2, hostile.ID: 4})
		_, memberTok := ts.addPerson(o, "mo@example.com", models.RoleMember, alpha.ID)
		_, leaderTok := ts.addPerson(o, "lea@example.com", models.RoleLeader)
		path := fmt.Sprintf("/assessments/%d/report.md", round.ID)

		r := ts.want(ts.call("GET", path, leaderTok, nil), http.StatusOK, "report.md")
		if ct := r.Header.Get("Content-Type"); ct != "text/markdown; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := r.Header.Get("Content-Disposition"); !expRoundFile("inline", "report", "md").MatchString(cd) {
			t.Errorf("Content-Disposition %q", cd)
		}
		md := r.Body
		if !bytes.HasPrefix(md, []byte("# Platform maturity report: ")) {
			t.Errorf("report starts with %.80q", md)
		}
		heads, tables := rptMarkdownCheck(t, md)
		wantH2 := []string{"Executive summary", "Roadmap"}
		for _, key := range []string{"cncf-platform-maturity", "gartner-platform-axes"} {
			q := ts.shippedQ(key)
			wantH2 = append(wantH2, q.Title+": dimensions")
			for _, d := range q.Dimensions {
				if !slices.Contains(heads[3], d.Title) {
					t.Errorf("no section for dimension %q; h3 = %q", d.Title, heads[3])
				}
			}
		}
		wantH2 = append(wantH2, "Team breakdown", "Method")
		if !slices.Equal(heads[2], wantH2) {
			t.Errorf("h2 = %q, want %q", heads[2], wantH2)
		}
		if tables < 10 {
			t.Errorf("only %d tables parse as tables", tables)
		}
		if bytes.Contains(md, []byte("<script>")) || !bytes.Contains(md, []byte(`\<script\>alert(1)\</script\> \| Ops`)) {
			t.Error("the hostile team name is not escaped in the Markdown")
		}
		for _, want := range []string{"### Confidence", "### Largest gaps", "### First steps", "Content hash (SHA-256)", ts.shippedQ("cncf-platform-maturity").Hash} {
			if !bytes.Contains(md, []byte(want)) {
				t.Errorf("report.md lacks %q", want)
			}
		}

		// The stored plan (from the roadmap workbook) shows on the report.
		var first recommend.Item
		for _, it := range rptItems(t, ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/recommendations", round.ID), o.Token, nil), http.StatusOK, "recommendations")) {
			if it.Phase == "now" {
				first = it
				break
			}
		}
		if _, err := ts.st.ApplyPlan(context.Background(), o.ID, round.ID, 0, []store.PlanChange{{
			QuestionnaireKey: first.Questionnaire, RecommendationKey: first.Key, Owner: "Dana", Quarter: "2030-Q1", Status: "in_progress",
		}}); err != nil {
			t.Fatalf("ApplyPlan: %v", err)
		}
		planned := ts.want(ts.call("GET", path, leaderTok, nil), http.StatusOK, "report.md with a plan").Body
		for _, want := range []string{"Plan: 1 in progress, ", "| Status | Owner | Quarter |", "Plan: In progress · Dana · 2030-Q1"} {
			if !bytes.Contains(planned, []byte(want)) {
				t.Errorf("the planned report lacks %q", want)
			}
		}

		r = ts.want(ts.call("GET", path+"?download=1", leaderTok, nil), http.StatusOK, "download")
		if cd := r.Header.Get("Content-Disposition"); !expRoundFile("attachment", "report", "md").MatchString(cd) {
			t.Errorf("download Content-Disposition %q", cd)
		}

		teamPath := fmt.Sprintf("/assessments/%d/teams/%d/report.md", round.ID, alpha.ID)
		r = ts.want(ts.call("GET", teamPath, memberTok, nil), http.StatusOK, "member's team report.md")
		if !bytes.Contains(r.Body, []byte("— Alpha\n")) || bytes.Contains(r.Body, []byte("alert(1)")) {
			t.Errorf("team report names another team or not its own: %.200s", r.Body)
		}
		if heads, _ := rptMarkdownCheck(t, r.Body); !slices.Contains(heads[2], "Method") {
			t.Errorf("team report h2 = %q", heads[2])
		}

		for _, tc := range []struct {
			name, path, token string
			want              int
		}{
			{"member, organization report", path, memberTok, http.StatusForbidden},
			{"member, another team", fmt.Sprintf("/assessments/%d/teams/%d/report.md", round.ID, hostile.ID), memberTok, http.StatusForbidden},
			{"unknown team", fmt.Sprintf("/assessments/%d/teams/999999/report.md", round.ID), o.Token, http.StatusNotFound},
			{"unknown round", "/assessments/999999/report.md", o.Token, http.StatusNotFound},
		} {
			ts.want(ts.call("GET", tc.path, tc.token, nil), tc.want, tc.name)
		}
		if r := ts.call("GET", path, "", nil); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("anonymous report.md: %s", r)
		}
	})
}

func TestReportPage(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Alpha", "<script>alert(1)</script>")
		alpha := o.Teams[0]
		round := ts.newRound(o)
		ts.seedLevels(o, round.ID, map[int64]int{alpha.ID: 1, o.Teams[1].ID: 2}, map[int64]int{alpha.ID: 2, o.Teams[1].ID: 4})
		_, memberTok := ts.addPerson(o, "mo@example.com", models.RoleMember, alpha.ID)

		path := fmt.Sprintf("/assessments/%d/report", round.ID)
		r := ts.want(ts.call("GET", path, o.Token, nil), http.StatusOK, "report page")
		page := string(r.Body)
		for _, want := range []string{"Executive summary", "Largest gaps", "First steps", "Confidence", "Roadmap", "Team breakdown", "Method",
			`data-chart="report_0_radar_data"`, `data-chart="report_1_heatmap_data"`, "/static/css/report.", "/static/js/charts.",
			"&lt;script&gt;alert(1)&lt;/script&gt;"} {
			if !strings.Contains(page, want) {
				t.Errorf("report page lacks %q", want)
			}
		}
		for _, key := range []string{"cncf-platform-maturity", "gartner-platform-axes"} {
			for _, d := range ts.shippedQ(key).Dimensions {
				if !strings.Contains(page, fmt.Sprintf(`id="dim-%s-%s"`, key, d.Key)) {
					t.Errorf("no section for %s/%s", key, d.Key)
				}
			}
		}
		if strings.Contains(page, "<script>alert(1)") || strings.Contains(page, `class="site-header"`) || strings.Contains(page, `aria-label="Main"`) {
			t.Error("report page has raw hostile text or the site navigation")
		}

		teamPage := ts.want(ts.call("GET", fmt.Sprintf("/assessments/%d/teams/%d/report", round.ID, alpha.ID), memberTok, nil), http.StatusOK, "team report page")
		if !strings.Contains(string(teamPage.Body), "Where the team is:") || strings.Contains(string(teamPage.Body), "alert(1)") {
			t.Error("team report page does not read the team, or names another team")
		}
		ts.want(ts.call("GET", path, memberTok, nil), http.StatusForbidden, "member, organization report page")
		if r := ts.call("GET", path, "", nil); r.Status != http.StatusSeeOther {
			t.Errorf("anonymous report page: %s", r)
		}
	})
}

func TestReportOfARoundWithoutAnswers(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Alpha")
		round := ts.newRound(o)
		md := ts.want(ts.call("GET", fmt.Sprintf("/assessments/%d/report.md", round.ID), o.Token, nil), http.StatusOK, "empty report.md").Body
		for _, want := range []string{"0 people answered, from 0 of 1 participating teams", "Confidence is low", "No dimension is below its target.",
			"Nothing to recommend", "No team has a level here"} {
			if !bytes.Contains(md, []byte(want)) {
				t.Errorf("empty report lacks %q", want)
			}
		}
		rptMarkdownCheck(t, md)
		ts.want(ts.call("GET", fmt.Sprintf("/assessments/%d/report", round.ID), o.Token, nil), http.StatusOK, "empty report page")
		if items := rptItems(t, ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/recommendations", round.ID), o.Token, nil), http.StatusOK, "empty recommendations")); len(items) != 0 {
			t.Errorf("%d recommendations without answers", len(items))
		}
		if r := ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/recommendations", round.ID), o.Token, nil); strings.TrimSpace(string(r.Body)) != "[]" {
			t.Errorf("empty recommendations body %q, want []", r.Body)
		}
	})
}
