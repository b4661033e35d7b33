package secret_test

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"gapmap/app/secret"
)

func TestPasswordRules(t *testing.T) {
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"", false},
		{"short", false},
		{"123456789", false},
		{"1234567890", true},
		{"ééééééééé", false}, // 9 characters, 18 bytes
		{"éééééééééé", true},
		{strings.Repeat("a", 72), true},
		{strings.Repeat("a", 73), false}, // bcrypt reads 72 bytes at most
	} {
		if err := secret.CheckPasswordRules(tc.pw); (err == nil) != tc.ok {
			t.Errorf("CheckPasswordRules(%q) = %v, want ok=%v", tc.pw, err, tc.ok)
		}
	}
}

func TestHashAndCheckPassword(t *testing.T) {
	h, err := secret.HashPassword("correct horse battery", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h, "correct horse") {
		t.Fatal("hash contains the password")
	}
	if err := secret.CheckPassword(h, "correct horse battery"); err != nil {
		t.Errorf("right password refused: %v", err)
	}
	if err := secret.CheckPassword(h, "correct horse batterY"); err != secret.ErrMismatch {
		t.Errorf("wrong password: err = %v, want ErrMismatch", err)
	}
}

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		plain, hash, err := secret.NewToken("gmp_")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(plain, "gmp_") || len(plain) != len("gmp_")+43 {
			t.Fatalf("token %q: want prefix and 256 bits in base64url", plain)
		}
		if hash != secret.HashToken(plain) || strings.Contains(hash, plain[4:]) {
			t.Fatalf("hash %q does not match or reveals the token", hash)
		}
		if seen[plain] {
			t.Fatal("token repeated")
		}
		seen[plain] = true
	}
}
