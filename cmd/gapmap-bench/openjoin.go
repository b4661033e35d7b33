package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/valyala/fasthttp"
)

// openJoinMetric measures open_join: responses started per second through
// POST /api/v1/join/{token} of one open link of an anonymous round, against
// the insert baseline (each join stores an invitation and a draft and
// counts against the link in one transaction). run drives gapmap with the
// load generator; insert is the baseline's run of the same group.
func (b *bench) openJoinMetric(addr string, insert loadResult, run func(request) loadResult) error {
	c := newClient(addr)
	auth := map[string]string{"Authorization": "Bearer " + b.main.APIToken}
	call := func(method, uri string, body any, want int, out any) error {
		var raw []byte
		if body != nil {
			var err error
			if raw, err = json.Marshal(body); err != nil {
				return err
			}
		}
		r, err := c.do(method, uri, raw, auth)
		if err == nil && r.Status != want {
			err = fmt.Errorf("%s %s: status %d: %.200s", method, uri, r.Status, r.Body)
		}
		if err != nil {
			return fmt.Errorf("open_join setup: %w", err)
		}
		plain, err := r.plain()
		if err != nil {
			return err
		}
		return json.Unmarshal(plain, out)
	}
	var teams []struct{ ID int64 }
	if err := call(fasthttp.MethodGet, "/api/v1/teams", nil, fasthttp.StatusOK, &teams); err != nil {
		return err
	}
	if len(teams) == 0 {
		return fmt.Errorf("open_join setup: the seeded organization has no team")
	}
	var round struct{ ID int64 }
	err := call(fasthttp.MethodPost, "/api/v1/assessments", map[string]any{
		"name": "Benchmark open link", "questionnaires": []string{b.qs[0].Key}, "team_ids": []int64{teams[0].ID},
		"anonymity": map[string]any{"mode": "anonymous", "min_group": 5},
	}, fasthttp.StatusCreated, &round)
	if err != nil {
		return err
	}
	var link struct{ Token string }
	uri := "/api/v1/assessments/" + strconv.FormatInt(round.ID, 10) + "/open-links"
	if err := call(fasthttp.MethodPost, uri, map[string]any{"team_id": teams[0].ID}, fasthttp.StatusCreated, &link); err != nil {
		return err
	}
	join := "http://" + addr + "/api/v1/join/" + link.Token
	r := run(func(_ *rand.Rand, req *fasthttp.Request) {
		req.Header.SetMethod(fasthttp.MethodPost)
		req.SetRequestURI(join)
	})
	b.addLoad("open_join", r, "insert", insert, 0.50, "ratio ≥ 0.50",
		"POST /api/v1/join/{token} of one open link of an anonymous round: a new invitation and draft per request")
	return nil
}
