package ops_test

import (
	"testing"

	"github.com/tideml/tide/internal/pooltest"
)

// TestMain pools every tensor and poisons uninitialised memory (see internal/pooltest).
func TestMain(m *testing.M) { pooltest.Main(m) }
