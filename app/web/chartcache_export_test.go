package web

// ChartBuilds reports how many times s built a round's dashboards (cache
// misses), for tests of the chart cache.
func ChartBuilds(s *Server) int64 { return s.charts.builds.Load() }

// PageBuilds reports how many respondent pages s rendered for its page
// cache (cache misses), for tests of the page cache.
func PageBuilds(s *Server) int64 { return s.pages.builds.Load() }

// BodyBuilds reports how many results answers and dashboard contents s
// built for its cache (cache misses), for tests.
func BodyBuilds(s *Server) int64 { return s.bodies.builds.Load() }

// DashPageBuilds reports how many whole dashboard pages s rendered for its
// cache (cache misses), for tests.
func DashPageBuilds(s *Server) int64 { return s.dashPages.builds.Load() }
