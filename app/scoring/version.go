package scoring

// Version numbers the scoring rules. It changes whenever a rule changes the
// result of the same answers; stored results computed under another version
// are recomputed when the server starts.
const Version = 3
