package graph

// SaveScanIntermediates lets external tests compare the saving and the recomputing gradient
// of a scan.
var SaveScanIntermediates = &saveScanIntermediates
