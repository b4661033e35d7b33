package static_test

import (
	"io/fs"
	"strings"
	"testing"

	"gapmap/static"
)

func TestAssetsEmbedded(t *testing.T) {
	tests := []struct {
		path     string
		contains string
	}{
		{"css/gapmap.css", ".chart-grid"},
		{"js/echarts.min.js", "echarts"},
		{"js/echarts.LICENSE.txt", "Apache License"},
		{"js/charts.js", "data-chart"},
		{"js/survey.js", "/api/v1/survey/"},
		{"js/confirm.js", "data-confirm"},
		{"img/logo.svg", "<svg"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			b, err := fs.ReadFile(static.FS, tt.path)
			if err != nil {
				t.Fatalf("read %s: %v", tt.path, err)
			}
			if !strings.Contains(string(b), tt.contains) {
				t.Errorf("%s does not contain %q", tt.path, tt.contains)
			}
		})
	}
}

// Our own assets must not point the browser at another host.
func TestOwnAssetsStayOnOrigin(t *testing.T) {
	for _, path := range []string{"css/gapmap.css", "js/charts.js", "js/survey.js", "js/confirm.js"} {
		b, err := fs.ReadFile(static.FS, path)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		for _, bad := range []string{"http://", "https://", "//cdn", "@import"} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s contains %q", path, bad)
			}
		}
	}
}
