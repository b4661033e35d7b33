// Package secret generates and checks the secrets gapmap hands out: password
// hashes (bcrypt) and random bearer tokens stored only as SHA-256 hashes.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// MinPasswordLength is the shortest password accepted, in characters.
const MinPasswordLength = 10

// maxPasswordBytes is bcrypt's input limit.
const maxPasswordBytes = 72

// ErrMismatch is returned when a password does not match its hash.
var ErrMismatch = errors.New("password does not match")

// CheckPasswordRules reports why a new password is not acceptable, or nil.
func CheckPasswordRules(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return fmt.Errorf("must be at least %d characters", MinPasswordLength)
	}
	if len(pw) > maxPasswordBytes {
		return fmt.Errorf("must be at most %d bytes", maxPasswordBytes)
	}
	return nil
}

// HashPassword hashes pw with bcrypt at the given cost (bcrypt.DefaultCost
// when cost is 0).
func HashPassword(pw string, cost int) (string, error) {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword compares pw with a bcrypt hash.
func CheckPassword(hash, pw string) error {
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)); err != nil {
		return ErrMismatch
	}
	return nil
}

// DummyCheck spends the time of one password check, so that unknown users
// cannot be told from wrong passwords by timing.
func DummyCheck(pw string) {
	const h = "$2a$10$.ywGOvaN.p7FKsQTmUNE7.qciWvAi8GoadCir/waEBlSk0zOQNet."
	_ = bcrypt.CompareHashAndPassword([]byte(h), []byte(pw))
}

// NewToken returns a random token with 256 bits of entropy, prefixed for
// recognisability, and the hash under which it is stored.
func NewToken(prefix string) (plain, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("random token: %w", err)
	}
	plain = prefix + base64.RawURLEncoding.EncodeToString(b)
	return plain, HashToken(plain), nil
}

// HashToken is the stored form of a token.
func HashToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}
