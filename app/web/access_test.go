package web

import (
	"slices"
	"testing"

	"gapmap/app/apperr"
	"gapmap/app/results"
	"gapmap/app/scoring"
	"gapmap/models"
)

// TestTeamAccess checks the team policy of every role over an organization
// of teams 1..4, for principals with no team and with teams 2 and 3.
func TestTeamAccess(t *testing.T) {
	all := []int64{1, 2, 3, 4}
	tests := []struct {
		name        string
		role        models.Role
		own         []int64
		wantSee     []int64
		wantManage  []int64
		wantVisible []int64 // nil: every team
		wantManaged []int64 // nil: every team
	}{
		{name: "owner", role: models.RoleOwner, wantSee: all, wantManage: all},
		{name: "admin", role: models.RoleAdmin, wantSee: all, wantManage: all},
		{name: "admin of some teams", role: models.RoleAdmin, own: []int64{2}, wantSee: all, wantManage: all},
		{name: "leader of no team", role: models.RoleLeader, wantSee: all, wantManage: []int64{}, wantManaged: []int64{}},
		{name: "leader who leads some teams", role: models.RoleLeader, own: []int64{3, 2, 3}, wantSee: all,
			wantManage: []int64{2, 3}, wantManaged: []int64{2, 3}},
		{name: "member of no team", role: models.RoleMember, wantSee: []int64{}, wantManage: []int64{},
			wantVisible: []int64{}, wantManaged: []int64{}},
		{name: "member of some teams", role: models.RoleMember, own: []int64{2, 3}, wantSee: []int64{2, 3},
			wantManage: []int64{2, 3}, wantVisible: []int64{2, 3}, wantManaged: []int64{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newTeamAccess(tt.role, tt.own)
			var see, manage []int64
			for _, id := range all {
				if a.CanSee(id) {
					see = append(see, id)
				}
				if a.CanManage(id) {
					manage = append(manage, id)
				}
				if err := a.checkSee(id); (err == nil) != a.CanSee(id) || (err != nil && apperr.Code(err) != apperr.EForbidden) {
					t.Errorf("checkSee(%d) = %v, CanSee = %v", id, err, a.CanSee(id))
				}
			}
			if !slices.Equal(nonNil(see), tt.wantSee) {
				t.Errorf("CanSee teams %v, want %v", see, tt.wantSee)
			}
			if !slices.Equal(nonNil(manage), tt.wantManage) {
				t.Errorf("CanManage teams %v, want %v", manage, tt.wantManage)
			}
			if v := a.Visible(); (v == nil) != (tt.wantVisible == nil) || !slices.Equal(v, tt.wantVisible) {
				t.Errorf("Visible() = %#v, want %#v", v, tt.wantVisible)
			}
			if m := a.Managed(); (m == nil) != (tt.wantManaged == nil) || !slices.Equal(m, tt.wantManaged) {
				t.Errorf("Managed() = %#v, want %#v", m, tt.wantManaged)
			}

			round := &results.Round{Results: []*scoring.Result{nil, {Teams: []scoring.TeamResult{{ID: 1}, {ID: 2}, {ID: 3}, {ID: 4}}}}}
			a.keepVisible(round)
			var kept []int64
			for _, tr := range round.Results[1].Teams {
				kept = append(kept, tr.ID)
			}
			if !slices.Equal(nonNil(kept), tt.wantSee) {
				t.Errorf("keepVisible kept teams %v, want %v", kept, tt.wantSee)
			}
		})
	}
}
