package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestBenchCompare runs a tiny case against a reference file in each accepted layout and checks
// the printed ratio is the reference time over Tide's.
func TestBenchCompare(t *testing.T) {
	dir := t.TempDir()
	lines := filepath.Join(dir, "ref.jsonl")
	array := filepath.Join(dir, "ref.json")
	rec := `{"name": "elementwise/f32/add/262144", "threads": 1, "ns_per_op": 1e12, "gbps": 1, "engine": "pytorch-1.13"}`
	if err := os.WriteFile(lines, []byte(rec+"\n"+strings.Replace(rec, `"threads": 1`, `"threads": 2`, 1)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(array, []byte("["+rec+"]"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{lines, array} {
		var out, errOut bytes.Buffer
		args := []string{"bench", "-filter", "add/262144", "-threads", "1", "-reps", "1", "-mintime", "1ms", "-compare", ref}
		if code := run(args, &out, &errOut); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		m := regexp.MustCompile(`/op .* ([0-9.]+)x pytorch-1.13`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("%s: no ratio in:\n%s", ref, out.String())
		}
		// 1e12 ns for the reference: the ratio is huge, and Tide's time is what it implies.
		if r, err := strconv.ParseFloat(m[1], 64); err != nil || r < 1000 {
			t.Errorf("%s: ratio %q, want the reference's 1000 s over Tide's time", ref, m[1])
		}
	}
}

func TestBenchCompareBadFile(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"garbage.jsonl": "{not json",
		"noname.jsonl":  `{"threads": 1, "ns_per_op": 5}`,
		"zero.jsonl":    `{"name": "gemm/f32/128", "threads": 1, "ns_per_op": 0}`,
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		if code := run([]string{"bench", "-list", "-compare", p}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), name) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and an error naming the file", name, code, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "-list", "-compare", filepath.Join(dir, "missing")}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "missing") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut.String())
	}
}
