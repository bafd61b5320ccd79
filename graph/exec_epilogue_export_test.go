package graph

// SetBlocks turns running chains as GEMM epilogues on or off for plans made from now on.
func SetBlocks(on bool) { noBlocks.Store(!on) }

// BlockRuns reports how many fused nodes have run as GEMM epilogues.
func BlockRuns() int64 { return blockRuns.Load() }
