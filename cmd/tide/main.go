package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func usage(w io.Writer) {
	fmt.Fprintln(w, `usage: tide <command> [flags]

commands:
  demo   fit a small network to y = sin(3x) by gradient descent, printing the loss
  ops    list every registered op: name, kernel dtypes, differentiable or not
  bench  measure named cases (GEMM, elementwise, train steps): tide bench -h
  train  train Keras's MNIST convnet and report its test accuracy: tide train mnist -h
  summary  print the Keras summary of a model of the zoo: tide summary vgg16|resnet50|inceptionv3|mobilenetv2`)
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "demo":
		fs := flag.NewFlagSet("demo", flag.ContinueOnError)
		fs.SetOutput(stderr)
		steps := fs.Int("steps", 300, "gradient-descent steps")
		lr := fs.Float64("lr", 0.1, "learning rate")
		every := fs.Int("every", 25, "print the loss every this many steps")
		if err := fs.Parse(args[1:]); err != nil {
			return 2
		}
		if err := demo(stdout, *steps, *lr, *every); err != nil {
			fmt.Fprintln(stderr, "tide demo:", err)
			return 1
		}
		return 0
	case "ops":
		listOps(stdout)
		return 0
	case "bench":
		return runBench(args[1:], stdout, stderr)
	case "train":
		return runTrain(args[1:], stdout, stderr)
	case "summary":
		return runSummary(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "tide: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}
