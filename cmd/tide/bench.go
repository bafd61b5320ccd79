package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// benchCase is one named measurement. setup prepares the work and returns the function to time;
// the work fields say what one call does, for the rates.
type benchCase struct {
	name    string
	setup   func(cfg benchConfig) (func() error, error)
	flops   float64
	bytes   float64
	samples float64
}

type benchConfig struct {
	eager bool
}

// benchResult is one line of `tide bench -json`, with the field names of the reference scripts.
type benchResult struct {
	Name        string  `json:"name"`
	Threads     int     `json:"threads"`
	NsPerOp     float64 `json:"ns_per_op"`
	GFlops      float64 `json:"gflops,omitempty"`
	GBps        float64 `json:"gbps,omitempty"`
	SamplesPerS float64 `json:"samples_per_s,omitempty"`
	Engine      string  `json:"engine"`
}

// moreBenchCases are added by other files of this command (one file per area), from init.
var moreBenchCases []benchCase

func benchCases() []benchCase {
	cs := append([]benchCase(nil), moreBenchCases...)
	for _, n := range []int{128, 256, 512, 1024, 2048} {
		cs = append(cs, benchCase{name: fmt.Sprintf("gemm/f32/%d", n), flops: 2 * math.Pow(float64(n), 3), setup: gemmCase(n)})
	}
	for _, n := range []int{262144, 33554432} {
		cs = append(cs,
			benchCase{name: fmt.Sprintf("elementwise/f32/add/%d", n), bytes: 12 * float64(n), setup: elementwiseCase(n, true)},
			benchCase{name: fmt.Sprintf("elementwise/f32/exp/%d", n), bytes: 8 * float64(n), setup: elementwiseCase(n, false)})
	}
	for _, opt := range []string{"sgd", "adam"} {
		cs = append(cs, benchCase{name: "train/mlp_784_512_512_10/b128/" + opt, samples: 128, setup: mlpTrainCase(opt)})
	}
	slices.SortStableFunc(cs, func(a, b benchCase) int { return benchOrder(a.name) - benchOrder(b.name) })
	return cs
}

// benchOrder lists the case families in the order they are run and printed.
func benchOrder(name string) int {
	for i, prefix := range []string{"gemm/", "conv2d/", "elementwise/", "train/", "data/"} {
		if strings.HasPrefix(name, prefix) {
			return i
		}
	}
	return 99
}

func gemmCase(n int) func(benchConfig) (func() error, error) {
	return func(benchConfig) (func() error, error) {
		// As the reference (numpy.matmul with out=), into one output buffer.
		a, b, c := tensor.RandomNormal(0, n, n), tensor.RandomNormal(1, n, n), tensor.New(dtype.Float32, []int{n, n})
		return func() error { ops.MatMulInto(c, a, b); return nil }, nil
	}
}

func elementwiseCase(n int, add bool) func(benchConfig) (func() error, error) {
	return func(benchConfig) (func() error, error) {
		// As the reference (torch.add/exp with out=) and STREAM, into one output buffer.
		a, b, c := tensor.RandomUniform(0, n), tensor.RandomUniform(1, n), tensor.New(dtype.Float32, []int{n})
		if add {
			return func() error { ops.AddInto(c, a, b); return nil }, nil
		}
		return func() error { ops.ExpInto(c, a); return nil }, nil
	}
}

// timeIt returns the median seconds per call over reps samples of at least minTime each,
// after warm-up calls, as the reference script measures.
func timeIt(fn func() error, minTime time.Duration, reps int) (float64, error) {
	for range 2 {
		if err := fn(); err != nil {
			return 0, err
		}
	}
	n := 1
	var dt time.Duration
	for {
		start := time.Now()
		for range n {
			if err := fn(); err != nil {
				return 0, err
			}
		}
		if dt = time.Since(start); dt >= minTime/4 || n >= 1<<20 {
			break
		}
		n *= 2
	}
	n = max(1, int(float64(n)*float64(minTime)/float64(dt)))
	samples := make([]float64, reps)
	for r := range samples {
		start := time.Now()
		for range n {
			if err := fn(); err != nil {
				return 0, err
			}
		}
		samples[r] = time.Since(start).Seconds() / float64(n)
	}
	slices.Sort(samples)
	return samples[reps/2], nil
}

func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	filter := fs.String("filter", ".", "run the cases whose names match this regular expression")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "threads (GOMAXPROCS) to run with")
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	eager := fs.Bool("eager", false, "run the train cases eagerly instead of compiled")
	minTime := fs.Duration("mintime", 500*time.Millisecond, "minimum time of each of the samples")
	reps := fs.Int("reps", 5, "samples per case (the median is reported)")
	list := fs.Bool("list", false, "list the case names and exit")
	compare := fs.String("compare", "", "reference results (run-reference.sh output: JSON lines or an array) to print speed ratios against")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed runs to this file (go tool pprof reads it)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	defer removeBenchTemp() // the data cases' temporary files
	re, err := regexp.Compile(*filter)
	if err != nil {
		fmt.Fprintf(stderr, "tide bench: bad -filter: %v\n", err)
		return 2
	}
	if *threads < 1 || *reps < 1 {
		fmt.Fprintln(stderr, "tide bench: -threads and -reps must be positive")
		return 2
	}
	var refs map[refKey]benchResult
	if *compare != "" {
		if refs, err = readReference(*compare); err != nil {
			fmt.Fprintf(stderr, "tide bench: -compare: %v\n", err)
			return 2
		}
	}
	runtime.GOMAXPROCS(*threads)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "tide bench: -cpuprofile: %v\n", err)
			return 2
		}
		defer func() {
			pprof.StopCPUProfile()
			if err := f.Close(); err != nil {
				fmt.Fprintf(stderr, "tide bench: -cpuprofile: %v\n", err)
			}
		}()
	}
	engine := "tide-compiled"
	if *eager {
		engine = "tide-eager"
	}
	var results []benchResult
	for _, c := range benchCases() {
		if !re.MatchString(c.name) {
			continue
		}
		if *list {
			fmt.Fprintln(stdout, c.name)
			continue
		}
		fn, err := c.setup(benchConfig{eager: *eager})
		var sec float64
		if err == nil {
			sec, err = timeIt(fn, *minTime, *reps)
		}
		if err != nil {
			fmt.Fprintf(stderr, "tide bench: %s: %v\n", c.name, err)
			return 1
		}
		r := benchResult{Name: c.name, Threads: *threads, NsPerOp: sec * 1e9, Engine: engine}
		if c.flops > 0 {
			r.GFlops = c.flops / sec / 1e9
		}
		if c.bytes > 0 {
			r.GBps = c.bytes / sec / 1e9
		}
		if c.samples > 0 {
			r.SamplesPerS = c.samples / sec
		}
		results = append(results, r)
		if !*asJSON {
			line := formatResult(r)
			if ref, ok := refs[refKey{r.Name, r.Threads}]; ok && ref.NsPerOp > 0 {
				line += fmt.Sprintf("   %5.2fx %s", ref.NsPerOp/r.NsPerOp, ref.Engine)
			}
			fmt.Fprintln(stdout, line)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if results == nil {
			results = []benchResult{}
		}
		if err := enc.Encode(results); err != nil {
			fmt.Fprintln(stderr, "tide bench:", err)
			return 1
		}
	}
	return 0
}

// refKey identifies a reference result: the same case on the same number of threads.
type refKey struct {
	name    string
	threads int
}

// readReference reads reference results as run-reference.sh prints them (one JSON object per
// line) or as `tide bench -json` does (one array), keyed by case and thread count.
func readReference(path string) (map[refKey]benchResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	refs := map[refKey]benchResult{}
	add := func(r benchResult) error {
		if r.Name == "" || r.Threads < 1 || !(r.NsPerOp > 0) {
			return fmt.Errorf("%s: result %+v lacks a name, a thread count or a positive ns_per_op", path, r)
		}
		refs[refKey{r.Name, r.Threads}] = r
		return nil
	}
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%s: offset %d: %v", path, dec.InputOffset(), err)
		}
		var rs []benchResult
		if len(raw) > 0 && raw[0] == '[' {
			if err := json.Unmarshal(raw, &rs); err != nil {
				return nil, fmt.Errorf("%s: %v", path, err)
			}
		} else {
			var r benchResult
			if err := json.Unmarshal(raw, &r); err != nil {
				return nil, fmt.Errorf("%s: %v", path, err)
			}
			rs = []benchResult{r}
		}
		for _, r := range rs {
			if err := add(r); err != nil {
				return nil, err
			}
		}
	}
	return refs, nil
}

func formatResult(r benchResult) string {
	s := fmt.Sprintf("%-44s %2d threads %14s/op", r.Name, r.Threads, time.Duration(r.NsPerOp).Round(time.Microsecond/10))
	switch {
	case r.GFlops > 0:
		s += fmt.Sprintf(" %10.2f GFLOP/s", r.GFlops)
	case r.GBps > 0:
		s += fmt.Sprintf(" %10.2f GB/s", r.GBps)
	case r.SamplesPerS > 0:
		s += fmt.Sprintf(" %10.0f samples/s", r.SamplesPerS)
	}
	return s
}
