package tfrecord

import "fmt"

// ShardName returns the name of shard i of n, numbered from 0, in the form
// TensorFlow's sharded datasets use: ShardName("train.tfrecord", 3, 10) is
// "train.tfrecord-00003-of-00010".
func ShardName(prefix string, i, n int) string {
	return fmt.Sprintf("%s-%05d-of-%05d", prefix, i, n)
}
