package data

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/io/example"
	"github.com/tideml/tide/io/tfrecord"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCSV(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir+"/a.csv", "id,name,score,label\n"+
		"1,\"Smith, J\",2.5,1\n"+
		"2,\"say \"\"hi\"\"\",,0\n"+ // quoted quotes; missing score takes its default
		"3,\"multi\nline\", 4 ,1\n"+ // a newline inside quotes; spaces around a number
		"4,x,NA\n") // a short row (label missing) and an NA value
	cols := []Column{
		{Name: "label", DType: dtype.Int64, Optional: true, Default: -1},
		{Name: "score", DType: dtype.Float32, Optional: true, Default: 0.5},
		{Name: "id", DType: dtype.Int32},
	}
	ds := CSV([]string{p}, cols, NAValues("NA"))
	if got := ds.Spec().String(); got != "{label: int64[], score: float32[], id: int32[]}" {
		t.Errorf("spec %s", got)
	}
	elems, err := ds.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range elems {
		got = append(got, fmt.Sprintf("%v/%v/%v", e.Get("label").Item(), e.Get("score").Item(), e.Get("id").Item()))
	}
	if want := "[1/2.5/1 0/0.5/2 1/4/3 -1/0.5/4]"; fmt.Sprint(got) != want {
		t.Errorf("rows %v, want %v", got, want)
	}
	// Batching CSV rows gives one vector per column.
	b, _ := ds.Batch(4).Collect(context.Background())
	if !b[0].Get("score").Shape().Equal(shape.Of(4)) {
		t.Errorf("batch %v", b[0])
	}
}

func TestCSVErrors(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir+"/bad.csv", "x,y\n1,2\n3,abc\n,5\n6,7\n")
	cols := []Column{{Name: "x", DType: dtype.Float64}, {Name: "y", DType: dtype.Int64}}
	errs, n := errorsOf(CSV([]string{p}, cols))
	if n != 2 || len(errs) != 2 {
		t.Fatalf("%d rows, errors %q", n, errs)
	}
	wantContains(t, errs[0], "data: ", "bad.csv", "line 3", "column 2", `"y"`, `invalid int64 "abc"`)
	wantContains(t, errs[1], "bad.csv", "line 4", "column 1", `"x"`, "missing value")
	var skipped Skipped
	if _, n := errorsOf(CSV([]string{p}, cols).IgnoreErrors(&skipped)); n != 2 || skipped.Count() != 2 {
		t.Errorf("IgnoreErrors: %d rows, %d skipped", n, skipped.Count())
	}
	// A header without the column, and a file that is missing.
	errs, _ = errorsOf(CSV([]string{p}, []Column{{Name: "z", DType: dtype.Float32}}))
	if len(errs) != 1 || !strings.Contains(errs[0], `no column "z"`) {
		t.Errorf("errors %q", errs)
	}
	errs, _ = errorsOf(CSV([]string{dir + "/none.csv"}, cols))
	if len(errs) != 1 || !strings.Contains(errs[0], "none.csv") {
		t.Errorf("errors %q", errs)
	}
	// Malformed quoting names the line.
	q := writeFile(t, dir+"/quote.csv", "x,y\n1,2\n3,\"4\n")
	errs, _ = errorsOf(CSV([]string{q}, cols))
	if len(errs) != 1 || !strings.Contains(errs[0], "quote.csv: line 3") {
		t.Errorf("errors %q", errs)
	}
	if CSV([]string{p}, []Column{{Name: "x", DType: dtype.Float16}}).Err() == nil {
		t.Error("float16 column accepted")
	}
}

func TestCSVNoHeaderSelectAndDelimiter(t *testing.T) {
	dir := t.TempDir()
	p1 := writeFile(t, dir+"/1.tsv", "1\t2\t3\n4\t5\t6\n")
	p2 := writeFile(t, dir+"/2.tsv", "7\t8\ttrue\n")
	cols := []Column{{Name: "c", Index: 2, DType: dtype.Float32}, {Index: 0, DType: dtype.Int64}}
	ds := CSV([]string{p1, p2}, cols, NoHeader(), Delimiter('\t'))
	if ds.Spec().String() != "{c: float32[], column0: int64[]}" {
		t.Errorf("spec %v", ds.Spec())
	}
	errs, n := errorsOf(ds)
	if n != 2 || len(errs) != 1 || !strings.Contains(errs[0], "2.tsv: line 1, column 3") {
		t.Errorf("%d rows, errors %q", n, errs)
	}
	b, err := CSV([]string{p2}, []Column{{Index: 2, Name: "flag", DType: dtype.Bool}}, NoHeader(), Delimiter('\t')).Collect(context.Background())
	if err != nil || b[0].Get("flag").Item() != 1 {
		t.Errorf("bool column %v %v", b, err)
	}
}

func TestTextLinesAndListFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/b.txt", "three\r\nfour")
	writeFile(t, dir+"/a.txt", "one\ntwo\n\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("five\n" + strings.Repeat("x", 100000) + "\n"))
	zw.Close()
	writeFile(t, dir+"/c.txt.gz", gz.String())
	files := ListFiles(dir+"/*.txt", dir+"/*.gz", dir+"/a.*")
	var names []string
	for e, err := range files.All(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, filepath.Base(TensorString(e.Tensor())))
	}
	if fmt.Sprint(names) != "[a.txt b.txt c.txt.gz]" {
		t.Errorf("files %v", names)
	}
	lines := FromElements().Concatenate(files).FlatMap(func(e Element) *Dataset {
		return TextLines(TensorString(e.Tensor()))
	}, OutputSpec(bytesSpec))
	var got []string
	for e, err := range lines.All(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, TensorString(e.Tensor()))
	}
	if len(got) != 7 || fmt.Sprint(got[:6]) != "[one two  three four five]" || len(got[6]) != 100000 {
		t.Errorf("lines %q", got[:min(len(got), 6)])
	}
	if ListFiles(dir+"/*.none").Err() == nil {
		t.Error("no match accepted")
	}
	// Sharding a file list gives each worker its own files.
	if n := ListFiles(dir+"/*").Shard(2, 1).Cardinality(); n != 1 {
		t.Errorf("shard cardinality %d", n)
	}
}

// exampleRecords returns n serialized Examples with an "x" of 4 floats, a "label", and a
// VarLen "ids" of i%3 values.
func exampleRecords(t testing.TB, n int) [][]byte {
	var recs [][]byte
	for i := range n {
		f := float32(i)
		ids := make([]int64, i%3)
		for j := range ids {
			ids[j] = int64(10*i + j)
		}
		ex := example.Example{Features: example.Features{
			"x":     example.FloatFeature(f, f+0.5, -f, 1),
			"label": example.Int64Feature(int64(i % 10)),
			"ids":   example.Int64Feature(ids...),
			"name":  example.StringFeature(fmt.Sprint("n", i)),
		}}
		b, err := ex.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, b)
	}
	return recs
}

func TestTFRecordAndParseExample(t *testing.T) {
	dir := t.TempDir()
	recs := exampleRecords(t, 10)
	var paths []string
	for i, c := range []tfrecord.Compression{tfrecord.None, tfrecord.GZIP, tfrecord.ZLIB} {
		p := filepath.Join(dir, fmt.Sprint("f", i))
		if err := tfrecord.WriteFile(p, recs, tfrecord.WithCompression(c)); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		elems, err := TFRecord([]string{p}, Compression(c)).Collect(context.Background())
		if err != nil || len(elems) != 10 || !bytes.Equal(tensor.Data[uint8](elems[3].Tensor()), recs[3]) {
			t.Errorf("compression %v: %d records, %v", c, len(elems), err)
		}
	}
	spec := example.Spec{
		"x":     example.FixedLen(example.KindFloat, 2, 2),
		"label": example.FixedLen(example.KindInt64),
		"ids":   example.VarLen(example.KindInt64),
		"name":  example.FixedLen(example.KindBytes),
	}
	ds := TFRecord(paths[:1]).ParseExample(spec, Parallel(2))
	if got := ds.Spec().String(); got != "{ids: int64[?], label: int64[], name: uint8[?], x: float32[2 2]}" {
		t.Errorf("spec %s", got)
	}
	elems, err := ds.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e := elems[5]
	if fmt.Sprint(e.Get("x").Float32s()) != "[5 5.5 -5 1]" || e.Get("label").Item() != 5 ||
		fmt.Sprint(e.Get("ids").Int64s()) != "[50 51]" || TensorString(e.Get("name")) != "n5" {
		t.Errorf("parsed %v", e)
	}
	// Batch parsing: FixedLen stacked, VarLen padded.
	delete(spec, "name")
	bs, err := TFRecord(paths[:1]).ParseExampleBatch(4, spec).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 3 || !bs[0].Get("x").Shape().Equal(shape.Of(4, 2, 2)) || fmt.Sprint(bs[0].Get("ids").Int64s()) != "[0 0 10 0 20 21 0 0]" ||
		fmt.Sprint(bs[2].Get("label").Int64s()) != "[8 9]" {
		t.Errorf("batches %v", bs)
	}
	// Batch parsing gives what parsing one by one and padded batching give.
	ref, _ := TFRecord(paths[:1]).ParseExample(spec).PaddedBatch(4).Collect(context.Background())
	for i := range ref {
		if fmt.Sprint(ref[i]) != fmt.Sprint(bs[i]) {
			t.Errorf("batch %d: %v, want %v", i, bs[i], ref[i])
		}
	}
	// Reading the files in parallel gives the deterministic interleave of their records.
	all := TFRecord(paths[:1], Parallel(2))
	if got, _ := all.Collect(context.Background()); len(got) != 10 {
		t.Errorf("%d records", len(got))
	}
	two := []string{paths[0], paths[0]}
	seq, _ := TFRecord(two, Parallel(2)).ParseExample(spec).Collect(context.Background())
	if len(seq) != 20 || seq[0].Get("label").Item() != 0 || seq[1].Get("label").Item() != 0 || seq[2].Get("label").Item() != 1 {
		t.Errorf("parallel read order wrong")
	}
	// A record that does not match the spec is an error naming the feature.
	bad := example.Spec{"x": example.FixedLen(example.KindFloat, 3)}
	errs, _ := errorsOf(TFRecord(paths[:1]).ParseExample(bad))
	if len(errs) != 10 || !strings.Contains(errs[0], `"x"`) {
		t.Errorf("errors %q", errs[:min(1, len(errs))])
	}
}

func TestTFRecordCorrupt(t *testing.T) {
	dir := t.TempDir()
	recs := exampleRecords(t, 5)
	var data []byte
	offsets := []int{}
	for _, r := range recs {
		offsets = append(offsets, len(data))
		data = tfrecord.AppendRecord(data, r)
	}
	data[offsets[3]+20] ^= 0xff // damage record 3's payload
	p := filepath.Join(dir, "bad.tfrecord")
	writeFile(t, p, string(data))
	errs, n := errorsOf(TFRecord([]string{p}))
	if n != 3 || len(errs) != 1 {
		t.Fatalf("%d records, errors %q", n, errs)
	}
	wantContains(t, errs[0], "data: ", "bad.tfrecord", fmt.Sprintf("offset %d", offsets[3]), "crc")
	// IgnoreErrors skips the damage (ending that file) and counts it; other files go on.
	good := filepath.Join(dir, "good.tfrecord")
	if err := tfrecord.WriteFile(good, recs); err != nil {
		t.Fatal(err)
	}
	var skipped Skipped
	_, n = errorsOf(TFRecord([]string{p, good}).IgnoreErrors(&skipped))
	if n != 8 || skipped.Count() != 1 || !errors.Is(skipped.Last(), tfrecord.ErrCorrupt) {
		t.Errorf("%d records, %d skipped (%v)", n, skipped.Count(), skipped.Last())
	}
	// A truncated file.
	writeFile(t, p, string(data[:offsets[2]+7]))
	errs, _ = errorsOf(TFRecord([]string{p}))
	if len(errs) != 1 {
		t.Fatalf("errors %q", errs)
	}
	wantContains(t, errs[0], "bad.tfrecord", fmt.Sprintf("offset %d", offsets[2]), "truncated")
}

// writeImage writes img as PNG or JPEG.
func writeImage(t *testing.T, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if strings.HasSuffix(strings.ToLower(path), ".png") {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100})
	}
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, buf.String())
}

func TestImageFolder(t *testing.T) {
	dir := t.TempDir()
	solid := func(w, h int, c color.Color) image.Image {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				img.Set(x, y, c)
			}
		}
		return img
	}
	writeImage(t, dir+"/cat/1.png", solid(4, 3, color.NRGBA{200, 10, 20, 255}))
	writeImage(t, dir+"/cat/2.jpg", solid(4, 3, color.NRGBA{0, 0, 255, 255}))
	writeImage(t, dir+"/dog/a/3.PNG", solid(2, 2, color.NRGBA{0, 255, 0, 255}))
	writeFile(t, dir+"/dog/notes.txt", "not an image")
	classes, err := ImageClasses(dir)
	if err != nil || fmt.Sprint(classes) != "[cat dog]" {
		t.Fatalf("classes %v %v", classes, err)
	}
	ds := ImageFolder(dir, ImageSize(3, 4), Parallel(2))
	if got := ds.Spec().String(); got != "(uint8[3 4 3], int64[])" {
		t.Errorf("spec %s", got)
	}
	elems, err := ds.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(elems) != 3 {
		t.Fatalf("%d images", len(elems))
	}
	if l := []float64{elems[0].At(1).Item(), elems[1].At(1).Item(), elems[2].At(1).Item()}; fmt.Sprint(l) != "[0 0 1]" {
		t.Errorf("labels %v", l)
	}
	px := func(e Element) []uint8 { return tensor.Data[uint8](e.At(0))[:3] }
	if fmt.Sprint(px(elems[0])) != "[200 10 20]" || fmt.Sprint(px(elems[2])) != "[0 255 0]" {
		t.Errorf("pixels %v %v", px(elems[0]), px(elems[2]))
	}
	if p := px(elems[1]); p[2] < 250 || p[0] > 5 {
		t.Errorf("jpeg pixel %v", p)
	}
	// Batching images of one size works; without ImageSize the sizes differ.
	if _, err := ds.Batch(3).Collect(context.Background()); err != nil {
		t.Error(err)
	}
	errs, _ := errorsOf(ImageFolder(dir).Batch(3))
	if len(errs) != 1 || !strings.Contains(errs[0], "[2 2 3]") {
		t.Errorf("errors %q", errs)
	}
	gray, err := ImageFolder(dir, Channels(1)).Collect(context.Background())
	if err != nil || !gray[0].At(0).Shape().Equal(shape.Of(3, 4, 1)) {
		t.Errorf("gray %v %v", gray, err)
	}
	writeFile(t, dir+"/dog/broken.png", "not a png")
	errs, n := errorsOf(ImageFolder(dir))
	if n != 3 || len(errs) != 1 || !strings.Contains(errs[0], "broken.png") {
		t.Errorf("%d images, errors %q", n, errs)
	}
}

func TestResizeBilinear(t *testing.T) {
	src := tensor.FromSlice([]uint8{0, 100, 200, 100}, 2, 2, 1)
	up := resizeBilinear(src, 4, 4)
	// Half-pixel centres: the corners keep the source values.
	d := tensor.Data[uint8](up)
	if d[0] != 0 || d[3] != 100 || d[12] != 200 || d[15] != 100 || d[1] != 25 {
		t.Errorf("resized %v", d)
	}
	down := resizeBilinear(tensor.Full(dtype.Uint8, 7, 5, 5, 3), 2, 3)
	if !down.Shape().Equal(shape.Of(2, 3, 3)) || down.At(1, 2, 2) != 7 {
		t.Errorf("down %v", down)
	}
}

// idxBytes encodes an IDX file.
func idxBytes(code byte, dims []int, data []byte) []byte {
	b := []byte{0, 0, code, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, data...)
}

func TestIDX(t *testing.T) {
	dir := t.TempDir()
	imgs := make([]byte, 3*2*2)
	for i := range imgs {
		imgs[i] = byte(i)
	}
	ip := writeFile(t, dir+"/images.idx", string(idxBytes(0x08, []int{3, 2, 2}, imgs)))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(idxBytes(0x08, []int{3}, []byte{7, 8, 9}))
	zw.Close()
	lp := writeFile(t, dir+"/labels.idx.gz", gz.String())
	ds := IDX(ip, lp)
	if ds.Spec().String() != "(uint8[2 2], uint8[])" || ds.Cardinality() != 3 {
		t.Errorf("spec %v card %d", ds.Spec(), ds.Cardinality())
	}
	elems, err := ds.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(tensor.Data[uint8](elems[2].At(0))) != "[8 9 10 11]" || elems[2].At(1).Item() != 9 {
		t.Errorf("element 2 %v", elems[2])
	}
	// Other element types are big-endian.
	var f []byte
	for _, v := range []float32{1.5, -2} {
		f = binary.BigEndian.AppendUint32(f, math.Float32bits(v))
	}
	fp := writeFile(t, dir+"/f.idx", string(idxBytes(0x0d, []int{2}, f)))
	sp := writeFile(t, dir+"/s.idx", string(idxBytes(0x0b, []int{2}, []byte{0xff, 0xfe, 0, 3})))
	if x, err := ReadIDX(fp); err != nil || fmt.Sprint(x.Float32s()) != "[1.5 -2]" {
		t.Errorf("float idx %v %v", x, err)
	}
	if x, err := ReadIDX(sp); err != nil || fmt.Sprint(x.Int64s()) != "[-2 3]" || x.DType() != dtype.Int32 {
		t.Errorf("short idx %v %v", x, err)
	}
	// Damaged files.
	for name, content := range map[string][]byte{
		"short":  idxBytes(0x08, []int{3, 2, 2}, imgs[:5]),
		"magic":  {1, 2, 3, 4},
		"type":   idxBytes(0x07, []int{1}, []byte{1}),
		"huge":   idxBytes(0x08, []int{1 << 30, 1 << 30}, nil),
		"header": {0, 0, 8},
	} {
		p := writeFile(t, dir+"/"+name, string(content))
		if _, err := ReadIDX(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err %v", name, err)
		}
	}
	if IDX(ip, fp).Err() == nil {
		t.Error("row counts 3 and 2 accepted")
	}
	if !slices.Equal(ints(t, Range(0, 1, 1)), []int64{0}) {
		t.Error("sanity")
	}
}
