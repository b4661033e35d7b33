package dora

// Band is a performance band of one metric.
type Band string

// The bands, best first.
const (
	Elite  Band = "elite"
	High   Band = "high"
	Medium Band = "medium"
	Low    Band = "low"
)

// Row is one band of the band table: the least deployment frequency and the
// greatest lead time, change failure rate and recovery time that still
// belong to it. A bound is inclusive unless its Exclusive flag is set: the
// report says "more than once a day", "less than one day" and "less than
// one hour" there.
type Row struct {
	Band               Band
	MinPerWeek         float64
	MaxLeadTimeHours   float64
	MaxFailurePercent  float64
	MaxRecoveryHours   float64
	FrequencyExclusive bool
	LeadTimeExclusive  bool
	RecoveryExclusive  bool
}

const (
	hoursPerDay   = 24
	hoursPerWeek  = 7 * 24
	daysPerMonth  = 365.25 / 12
	hoursPerMonth = daysPerMonth * 24
	weeksPerMonth = daysPerMonth / 7
)

// Table is gapmap's one band table. It follows the performance clusters of
// the 2024 Accelerate State of DevOps report (DORA, Google Cloud, October
// 2024), whose cluster values are:
//
//	cluster  deployment frequency                  lead time              change failure rate  recovery time
//	elite    on demand (multiple deploys per day)  less than one day      5 %                  less than one hour
//	high     between once per day and once a week  one day to one week    20 %                 less than one day
//	medium   between once a week and once a month  one week to one month  10 %                 less than one day
//	low      once a month to once every 6 months   one to six months      40 %                 one week to one month
//
// A per-metric band needs bounds that grow with the band, which the report's
// clusters do not always give, since they are formed on all four metrics at
// once. Where they do not, we chose:
//   - change failure rate: the medium cluster (10 %) fails less often than
//     the high one (20 %). Bands: elite up to 5 %, high up to 20 %, medium
//     up to 30 % (halfway to the low cluster's 40 %), low above.
//   - recovery time: high and medium both recover in "less than one day",
//     and low starts at one week. Bands: elite under 1 hour, high under 24
//     hours, medium up to one week, low above.
//   - deployment frequency below once every six months and lead times above
//     six months are low as well.
//
// A month is 365.25/12 days. Table returns a new slice on each call.
func Table() []Row {
	return []Row{
		{Band: Elite, MinPerWeek: 7, FrequencyExclusive: true, MaxLeadTimeHours: hoursPerDay, LeadTimeExclusive: true, MaxFailurePercent: 5, MaxRecoveryHours: 1, RecoveryExclusive: true},
		{Band: High, MinPerWeek: 1, MaxLeadTimeHours: hoursPerWeek, MaxFailurePercent: 20, MaxRecoveryHours: hoursPerDay, RecoveryExclusive: true},
		{Band: Medium, MinPerWeek: 1 / weeksPerMonth, MaxLeadTimeHours: hoursPerMonth, MaxFailurePercent: 30, MaxRecoveryHours: hoursPerWeek},
	}
}

// FrequencyBand bands deployments per week.
func FrequencyBand(perWeek float64) Band {
	for _, r := range Table() {
		if perWeek > r.MinPerWeek || (!r.FrequencyExclusive && perWeek == r.MinPerWeek) {
			return r.Band
		}
	}
	return Low
}

// LeadTimeBand bands a median lead time in hours.
func LeadTimeBand(hours float64) Band {
	for _, r := range Table() {
		if hours < r.MaxLeadTimeHours || (!r.LeadTimeExclusive && hours == r.MaxLeadTimeHours) {
			return r.Band
		}
	}
	return Low
}

// FailureRateBand bands a change failure rate in percent.
func FailureRateBand(percent float64) Band {
	for _, r := range Table() {
		if percent <= r.MaxFailurePercent {
			return r.Band
		}
	}
	return Low
}

// RecoveryBand bands a median recovery time in hours.
func RecoveryBand(hours float64) Band {
	for _, r := range Table() {
		if hours < r.MaxRecoveryHours || (!r.RecoveryExclusive && hours == r.MaxRecoveryHours) {
			return r.Band
		}
	}
	return Low
}
