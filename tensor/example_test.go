package tensor_test

import (
	"fmt"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

func ExampleFromSlice() {
	x := tensor.FromSlice([]float32{1, 2.5, 3, 4, 5, 6}, 2, -1)
	fmt.Println(x.Shape(), x.DType())
	fmt.Println(x)
	fmt.Println(x.At(1, 2))
	// Output:
	// [2 3] float32
	// [[1.  2.5 3. ]
	//  [4.  5.  6. ]]
	// 6
}

func ExampleArange() {
	fmt.Println(tensor.Arange(dtype.Int64, 0, 10, 3))
	fmt.Println(tensor.Linspace(dtype.Float64, 0, 1, 5))
	// Output:
	// [0 3 6 9]
	// [0.   0.25 0.5  0.75 1.  ]
}

func ExampleRandom() {
	a := tensor.Random(dtype.Float32, tensor.Uniform, 42, 3)
	b := tensor.Random(dtype.Float32, tensor.Uniform, 42, 3)
	fmt.Println(tensor.Equal(a, b))
	// Output: true
}

func ExampleTensor_String() {
	fmt.Println(tensor.Arange(dtype.Int32, 0, 2000, 1).Reshape(40, 50))
	// Output:
	// [[   0    1    2 ...   47   48   49]
	//  [  50   51   52 ...   97   98   99]
	//  [ 100  101  102 ...  147  148  149]
	//  ...
	//  [1850 1851 1852 ... 1897 1898 1899]
	//  [1900 1901 1902 ... 1947 1948 1949]
	//  [1950 1951 1952 ... 1997 1998 1999]]
}
