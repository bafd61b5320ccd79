// Command tide is Tide's command-line tool.
//
// Usage:
//
//	tide demo [-steps N] [-lr RATE]   fit a small network by gradient descent, printing the loss
//	tide ops                          list every registered op, its kernel dtypes and gradient
//	tide bench [-filter RE] [-threads N] [-json] [-eager]
//	                                  time the named cases; -json prints objects with the fields of
//	                                  the reference scripts in shared/bench (name, threads,
//	                                  ns_per_op, gflops, gbps, samples_per_s)
package main
