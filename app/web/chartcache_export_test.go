package web

// ChartBuilds reports how many times s built a round's dashboards (cache
// misses), for tests of the chart cache.
func ChartBuilds(s *Server) int64 { return s.charts.builds.Load() }
