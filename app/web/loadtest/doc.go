// Package loadtest holds gapmap's long-running reliability tests: a real
// server process on loopback under many concurrent respondents, killed with
// SIGKILL and restarted, checked afterwards against the database for every
// answer and submission it acknowledged. By default (and in CI) the quick
// variants run; `go test ./app/web/loadtest/ -long` runs the full ones.
package loadtest
