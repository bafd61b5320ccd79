// Package graphpb holds the protobuf messages of Tide's graph format (graph.proto), generated
// with protoc and protoc-gen-go. Package graph reads and writes them.
package graphpb

//go:generate protoc --go_out=. --go_opt=paths=source_relative graph.proto
