// Package loadtest holds gapmap's long-running reliability tests: a real
// server process on loopback under many concurrent respondents, killed with
// SIGKILL and restarted, checked afterwards against the database for every
// answer and submission it acknowledged. By default (and in CI) the quick
// variants run (15 s of load, 3 kills); `go test -short` runs smaller ones
// (5 s, 1 kill) and `go test ./app/web/loadtest/ -long` the full ones (60 s,
// 10 kills).
package loadtest
