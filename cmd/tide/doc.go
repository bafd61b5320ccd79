// Command tide is Tide's command-line tool.
//
// Usage:
//
//	tide demo [-steps N] [-lr RATE]   fit a small network by gradient descent, printing the loss
//	tide ops                          list every registered op, its kernel dtypes and gradient
package main
