module github.com/tideml/tide

go 1.26.0

require google.golang.org/protobuf v1.36.12 // google.golang.org/protobuf: wire format for tf.Example, graph and saved-model protos

require golang.org/x/sys v0.50.0 // golang.org/x/sys: CPU feature detection for SIMD kernel selection

require github.com/dgryski/go-farm v0.0.0-20240924180020-3414d57e47da // github.com/dgryski/go-farm: FarmHash Fingerprint64, the hash TensorFlow and Keras use for OOV and hashing buckets (pure Go, no dependencies)
