package sso

import (
	"fmt"
	"slices"
	"strings"

	"gapmap/models"
)

// RoleFor maps the claim's values to a role: admin when one of them is an
// admin value, else leader when one is a leader value, else member. It
// returns nil when no claim is configured (roles are then managed in
// gapmap). It never returns owner. A claim name with dots that is not a
// top-level claim is looked up as a path (realm_access.roles).
func RoleFor(claims map[string]any, claim string, admins, leaders []string) *models.Role {
	if claim == "" {
		return nil
	}
	vals := ClaimValues(claims, claim)
	role := models.RoleMember
	switch {
	case hasAny(vals, admins):
		role = models.RoleAdmin
	case hasAny(vals, leaders):
		role = models.RoleLeader
	}
	return &role
}

func hasAny(vals, want []string) bool {
	for _, v := range vals {
		if slices.Contains(want, v) {
			return true
		}
	}
	return false
}

// ClaimValues returns a claim as strings: a string claim, or the strings,
// numbers and booleans of a list claim.
func ClaimValues(claims map[string]any, claim string) []string {
	v, ok := claims[claim]
	if !ok && strings.Contains(claim, ".") {
		var cur any = claims
		for _, part := range strings.Split(claim, ".") {
			m, isMap := cur.(map[string]any)
			if !isMap {
				cur = nil
				break
			}
			cur = m[part]
		}
		v = cur
	}
	var out []string
	add := func(x any) {
		switch t := x.(type) {
		case string:
			out = append(out, t)
		case bool, float64, int64, int:
			out = append(out, fmt.Sprint(t))
		}
	}
	switch t := v.(type) {
	case []any:
		for _, x := range t {
			add(x)
		}
	case []string:
		out = append(out, t...)
	default:
		add(t)
	}
	return out
}

// EmailDomain returns the lowercased domain of an email address, or "".
func EmailDomain(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 1 || at == len(email)-1 {
		return ""
	}
	return strings.ToLower(email[at+1:])
}
