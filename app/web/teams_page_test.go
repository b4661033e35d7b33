package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"gapmap/app/store/storetest"
	"gapmap/models"
)

// TestTeamLeadsForm: the teams page offers one checkbox per person for
// each team, says what ticking one does, and saving the form replaces the
// team's leads with the ticked people.
func TestTeamLeadsForm(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t), nil)
	o := ts.newOrg("Acme", "Blue", "Green")
	ana, _ := ts.addPerson(o, "ana@example.com", models.RoleMember)
	bo, _ := ts.addPerson(o, "bo@example.com", models.RoleMember, o.Teams[0].ID)
	br := ts.client()
	br.login("acme@example.com")
	page := string(ts.want(br.get("/teams"), http.StatusOK, "teams page").Body)
	blue := o.Teams[0].ID
	for _, want := range []string{
		fmt.Sprintf(`id="lead-%d-%d" name="user_ids" value="%d"`, blue, ana.ID, ana.ID),
		fmt.Sprintf(`id="lead-%d-%d" name="user_ids" value="%d" aria-describedby="leads-hint" checked`, blue, bo.ID, bo.ID),
		"sees only the rounds, results and links of the teams they lead",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the teams page lacks %q", want)
		}
	}
	tok := br.csrf("/teams")
	form := url.Values{"_csrf": {tok}, "user_ids": {fmt.Sprint(ana.ID), fmt.Sprint(o.Owner.ID)}}
	ts.want(br.post(fmt.Sprintf("/teams/%d/members", blue), form), http.StatusSeeOther, "save team leads")
	ids, err := ts.st.TeamMemberIDs(context.Background(), o.ID, blue)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	want := []int64{o.Owner.ID, ana.ID}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("team leads %v after saving, want %v (bo unticked)", ids, want)
	}
}
