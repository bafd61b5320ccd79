package datasets

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// The MD5 sums published with MNIST (yann.lecun.com/exdb/mnist, and torchvision's list).
var mnistMD5 = map[string]string{
	"train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
	"train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
	"t10k-images-idx3-ubyte.gz":  "9fb629c4189551a2d022fa330f9573f3",
	"t10k-labels-idx1-ubyte.gz":  "ec29112dd5afa0611ce80d1b7f02629c",
}

func TestMNISTFilesAreTheOriginals(t *testing.T) {
	for name, want := range mnistMD5 {
		b, err := mnistFiles.ReadFile("mnist/" + name)
		if err != nil {
			t.Fatal(err)
		}
		sum := md5.Sum(b)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s: md5 %s, want %s", name, got, want)
		}
	}
}

func TestLoadMNIST(t *testing.T) {
	a, err := LoadMNIST()
	if err != nil {
		t.Fatal(err)
	}
	checkArrays(t, a, 60000, 10000)
	// The first labels of each split, as every MNIST loader reports them.
	if got := a.TrainLabels.Int64s()[:5]; !equal(got, []int64{5, 0, 4, 1, 9}) {
		t.Errorf("first train labels %v, want [5 0 4 1 9]", got)
	}
	if got := a.TestLabels.Int64s()[:5]; !equal(got, []int64{7, 2, 1, 0, 4}) {
		t.Errorf("first test labels %v, want [7 2 1 0 4]", got)
	}
}

func checkArrays(t *testing.T, a *Arrays, ntrain, ntest int) {
	t.Helper()
	for _, c := range []struct {
		name     string
		img, lab *tensor.Tensor
		n        int
	}{{"train", a.TrainImages, a.TrainLabels, ntrain}, {"test", a.TestImages, a.TestLabels, ntest}} {
		if !c.img.Shape().Equal([]int{c.n, 28, 28}) || c.img.DType() != dtype.Uint8 {
			t.Errorf("%s images: %s%v", c.name, c.img.DType(), c.img.Shape())
		}
		if !c.lab.Shape().Equal([]int{c.n}) || c.lab.DType() != dtype.Int64 {
			t.Errorf("%s labels: %s%v", c.name, c.lab.DType(), c.lab.Shape())
		}
		counts := make([]int, 10)
		for _, l := range c.lab.Int64s() {
			if l < 0 || l > 9 {
				t.Fatalf("%s label %d out of range", c.name, l)
			}
			counts[l]++
		}
		for k, n := range counts {
			if n < c.n/20 {
				t.Errorf("%s: only %d examples of class %d", c.name, n, k)
			}
		}
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMNISTDataset(t *testing.T) {
	train, test, err := MNIST()
	if err != nil {
		t.Fatal(err)
	}
	if got := train.Spec().String(); got != "(float32[28 28 1], int64[])" {
		t.Errorf("spec %s", got)
	}
	if train.Cardinality() != 60000 || test.Cardinality() != 10000 {
		t.Errorf("cardinality %d, %d", train.Cardinality(), test.Cardinality())
	}
	elems, err := test.Take(3).Batch(3).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	x, y := elems[0].At(0), elems[0].At(1)
	if !x.Shape().Equal([]int{3, 28, 28, 1}) || !equal(y.Int64s(), []int64{7, 2, 1}) {
		t.Fatalf("batch %v labels %v", x.Shape(), y)
	}
	a, _ := LoadMNIST()
	raw := a.TestImages.Float64s()[:3*784]
	for i, v := range x.Float32s() {
		if v < 0 || v > 1 || v != float32(raw[i])/255 {
			t.Fatalf("pixel %d = %v, raw %v", i, v, raw[i])
		}
	}
}

func TestFashionMNIST(t *testing.T) {
	if _, err := os.Stat(FashionMNISTDir); err != nil {
		t.Skip("dataset-fashion-mnist is not installed")
	}
	a, err := LoadFashionMNIST("")
	if err != nil {
		t.Fatal(err)
	}
	checkArrays(t, a, 60000, 10000)
	train, _, err := FashionMNIST(FashionMNISTDir)
	if err != nil || train.Spec().String() != "(float32[28 28 1], int64[])" {
		t.Fatal(err, train.Spec())
	}
}

func TestFashionMNISTMissing(t *testing.T) {
	_, _, err := FashionMNIST(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte.gz") {
		t.Fatalf("err = %v, want one naming the missing file", err)
	}
}

func TestReadIDXDamaged(t *testing.T) {
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"not gzip", []byte("hello"), "gzip"},
		{"short", gz([]byte{0, 0}), "header"},
		{"magic", gz([]byte{0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0}), "bad magic"},
		{"cut", gz([]byte{0, 0, 8, 1, 0, 0, 0, 9, 1, 2}), "want 9 bytes"},
		{"huge", gz([]byte{0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), "too many"},
	} {
		_, err := readIDX(c.name, c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	tt, err := readIDX("ok", gz([]byte{0, 0, 8, 1, 0, 0, 0, 2, 7, 9}))
	if err != nil || !equal(tt.Int64s(), []int64{7, 9}) {
		t.Fatal(tt, err)
	}
}
