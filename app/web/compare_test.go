package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gapmap/models"
)

type compareJSON struct {
	With *struct {
		ID int64 `json:"id"`
	} `json:"with"`
	Questionnaires []struct {
		Key        string           `json:"key"`
		Dimensions []compareDimJSON `json:"dimensions"`
		Teams      []struct {
			ID         int64            `json:"id"`
			Name       string           `json:"name"`
			Dimensions []compareDimJSON `json:"dimensions"`
		} `json:"teams"`
	} `json:"questionnaires"`
}

type compareDimJSON struct {
	Key           string   `json:"key"`
	Level         *int     `json:"level"`
	PreviousLevel *int     `json:"previous_level"`
	Score         *float64 `json:"score"`
	PreviousScore *float64 `json:"previous_score"`
}

func TestCompareAPI(t *testing.T) {
	eachServer(t, nil, func(t *testing.T, ts *testServer) {
		o := ts.newOrg("Acme", "Blue", "Green")
		other := ts.newOrg("Other", "Theirs")
		_, memberToken := ts.addPerson(o, "member@example.com", models.RoleMember, o.Teams[1].ID)
		first := ts.newRound(o, cncf)
		ts.seedLevels(o, first.ID, map[int64]int{o.Teams[0].ID: 2, o.Teams[1].ID: 2}, map[int64]int{o.Teams[0].ID: 2, o.Teams[1].ID: 2})
		second := ts.newRound(o)
		ts.seedLevels(o, second.ID, map[int64]int{o.Teams[0].ID: 4, o.Teams[1].ID: 3}, map[int64]int{o.Teams[0].ID: 4, o.Teams[1].ID: 3})
		theirs := ts.newRound(other)

		base := fmt.Sprintf("/api/v1/assessments/%d/compare", second.ID)
		refused := []struct {
			name, path, token string
			status            int
		}{
			{"another organization's round", base, other.Token, 404},
			{"with another organization's round", fmt.Sprintf("%s?with=%d", base, theirs.ID), o.Token, 404},
			{"with an unknown round", base + "?with=999999", o.Token, 404},
			{"with itself", fmt.Sprintf("%s?with=%d", base, second.ID), o.Token, 422},
			{"with not a number", base + "?with=x", o.Token, 422},
			{"anonymous", base, "", 401},
		}
		for _, tt := range refused {
			if r := ts.call("GET", tt.path, tt.token, nil); r.Status != tt.status {
				t.Errorf("%s: %s, want %d", tt.name, r, tt.status)
			}
		}

		for _, path := range []string{base, fmt.Sprintf("%s?with=%d", base, first.ID)} {
			var got compareJSON
			ts.want(ts.call("GET", path, o.Token, nil), http.StatusOK, "compare").decode(t, &got)
			if got.With == nil || got.With.ID != first.ID {
				t.Fatalf("%s compares with %+v, want %d", path, got.With, first.ID)
			}
			if len(got.Questionnaires) != 2 || got.Questionnaires[0].Key != cncf || got.Questionnaires[1].Key != gartner {
				t.Fatalf("questionnaires %+v", got.Questionnaires)
			}
			c := got.Questionnaires[0]
			if len(c.Dimensions) != len(ts.shippedQ(cncf).Dimensions) {
				t.Fatalf("%d dimensions", len(c.Dimensions))
			}
			for _, d := range c.Dimensions {
				if d.Level == nil || d.PreviousLevel == nil || d.Score == nil || d.PreviousScore == nil {
					t.Fatalf("dimension %s has a null value: %+v", d.Key, d)
				}
				if *d.PreviousLevel != 2 || *d.Level <= *d.PreviousLevel {
					t.Errorf("dimension %s: level %d previous %d, want a rise from 2", d.Key, *d.Level, *d.PreviousLevel)
				}
			}
			if len(c.Teams) != 2 {
				t.Fatalf("teams %+v", c.Teams)
			}
			for _, tm := range c.Teams {
				want := map[int64]int{o.Teams[0].ID: 4, o.Teams[1].ID: 3}[tm.ID]
				for _, d := range tm.Dimensions {
					if d.Level == nil || *d.Level != want || d.PreviousLevel == nil || *d.PreviousLevel != 2 {
						t.Errorf("team %s dimension %s: %+v, want level %d from 2", tm.Name, d.Key, d, want)
					}
				}
			}
			g := got.Questionnaires[1]
			for _, d := range g.Dimensions {
				if d.Level == nil || d.PreviousLevel != nil || d.PreviousScore != nil {
					t.Errorf("gartner dimension %s not in the other round: %+v, want null previous values", d.Key, d)
				}
			}
		}

		// The first round has no earlier round: previous values are null.
		var firstCmp compareJSON
		ts.want(ts.call("GET", fmt.Sprintf("/api/v1/assessments/%d/compare", first.ID), o.Token, nil), 200, "first").decode(t, &firstCmp)
		if firstCmp.With != nil {
			t.Errorf("the first round compares with %+v by default", firstCmp.With)
		}
		for _, d := range firstCmp.Questionnaires[0].Dimensions {
			if d.PreviousLevel != nil {
				t.Errorf("first round: previous level %d", *d.PreviousLevel)
			}
		}

		// A member sees the organization and only their own team.
		var mine compareJSON
		ts.want(ts.call("GET", base, memberToken, nil), 200, "member").decode(t, &mine)
		if len(mine.Questionnaires[0].Teams) != 1 || mine.Questionnaires[0].Teams[0].ID != o.Teams[1].ID {
			t.Errorf("member sees teams %+v, want only Green", mine.Questionnaires[0].Teams)
		}

		// The page.
		c := ts.client()
		c.login(o.Owner.Email)
		page := c.get(fmt.Sprintf("/assessments/%d/compare?with=%d", second.ID, first.ID))
		if page.Status != 200 || strings.Contains(page.text(), "executing") || !strings.Contains(page.text(), "Compare rounds") || !strings.Contains(page.text(), "Blue") {
			t.Fatalf("compare page: %d %s", page.Status, page.text())
		}
		if r := c.get(fmt.Sprintf("/assessments/%d/compare?with=%d", second.ID, theirs.ID)); r.Status != 404 {
			t.Errorf("compare page with another organization's round: %d", r.Status)
		}
	})
}
