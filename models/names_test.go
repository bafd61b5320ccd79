package models_test

import (
	"testing"

	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
)

func TestExplicitNamesAreKept(t *testing.T) {
	for range 2 {
		x := models.Input(4)
		y := models.Apply(nn.Dense(3, nn.WithName("fc")), x)
		z := models.Apply(nn.Dense(2), y)
		m, err := models.Functional([]*models.Symbolic{x}, []*models.Symbolic{z})
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Layers()[1].Name(); got != "fc" {
			t.Fatalf("explicitly named layer renamed to %q", got)
		}
	}
}
