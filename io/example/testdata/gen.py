#!/usr/bin/python3
"""Writes the tf.train.Example fixtures of package example with Google's
protobuf runtime, an implementation independent of the Go code.

Needs the Debian packages protobuf-compiler and python3-protobuf. Run from
this directory:  /usr/bin/python3 gen.py

Each NAME.in.pb is an input; NAME.pb is what protobuf makes of it: parsed,
unknown fields discarded and serialized deterministically (map keys sorted,
lists packed). The Go tests check that Unmarshal followed by Marshal turns
NAME.in.pb into NAME.pb byte for byte.
"""
import math
import os
import struct
import subprocess
import sys
import tempfile

# The pure-Python protobuf runtime: Debian's C++-backed one keeps duplicate
# map keys of a dynamic message and does not discard unknown fields inside
# map values, so it is no oracle for those rules.
os.environ["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"] = "python"

# The messages of tensorflow/core/example/{feature,example}.proto, as the
# format specification lists them.
SCHEMA = """
syntax = "proto3";
package %(package)s;
message BytesList { repeated bytes value = 1; }
message FloatList { repeated float value = 1 %(packed)s; }
message Int64List { repeated int64 value = 1 %(packed)s; }
message Feature {
  oneof kind {
    BytesList bytes_list = 1;
    FloatList float_list = 2;
    Int64List int64_list = 3;
  }
  %(extra)s
}
message Features { map<string, Feature> feature = 1; }
message FeatureList { repeated Feature feature = 1; }
message FeatureLists { map<string, FeatureList> feature_list = 1; }
message Example { Features features = 1; %(extra_example)s }
message SequenceExample {
  Features context = 1;
  FeatureLists feature_lists = 2;
}
"""


def compile_schema(name, **subst):
    """Compiles a variant of the schema and imports it as module name."""
    d = tempfile.mkdtemp()
    # Each variant gets its own package: one process cannot hold two
    # definitions of tensorflow.Example. The wire format does not see it.
    params = {"package": "tensorflow" if name == "plain" else name,
              "packed": "", "extra": "", "extra_example": ""}
    params.update(subst)
    with open(os.path.join(d, name + ".proto"), "w") as f:
        f.write(SCHEMA % params)
    subprocess.run(["protoc", "-I", d, "--python_out", d, name + ".proto"], check=True)
    sys.path.insert(0, d)
    return __import__(name + "_pb2")


pb = compile_schema("plain")
unpacked = compile_schema("unpacked", packed="[packed = false]")
extended = compile_schema(
    "extended",
    extra="string comment = 9; repeated fixed64 junk = 10;",
    extra_example="string note = 7; sint32 level = 15;")


def canonical(msg_type, data):
    m = msg_type()
    m.ParseFromString(data)
    m.DiscardUnknownFields()
    return m.SerializeToString(deterministic=True)


def write(name, msg_type, data):
    with open(name + ".in.pb", "wb") as f:
        f.write(data)
    with open(name + ".pb", "wb") as f:
        f.write(canonical(msg_type, data))


def rich(mod):
    """The rich Example of the tests (example_test data), in schema mod."""
    ex = mod.Example()
    f = ex.features.feature
    f["bytes"].bytes_list.value.extend([b"", b"a", bytes(range(200))])
    f["empty_bytes"].bytes_list.SetInParent()
    f["empty_float"].float_list.SetInParent()
    f["empty_int"].int64_list.SetInParent()
    f["none"].SetInParent()
    f["floats"].float_list.value.extend(
        [0.0, -0.0, 1.5, -2.25, math.inf, -math.inf, 3.4028234663852886e38, 1e-45, math.nan])
    f["ints"].int64_list.value.extend([0, 1, -1, 127, 128, -128, 2**63 - 1, -(2**63), 300])
    f[""].int64_list.value.append(5)
    f["\u00fcn\u00efc\u00f6d\u00e9"].bytes_list.value.append("h\u00e9llo".encode())
    f["many"].float_list.value.extend(i * 0.5 for i in range(5000))
    return ex


def field(num, wire, payload):
    """Encodes one field; payload is bytes for wire type 2, else an int."""
    def varint(v):
        out = b""
        while True:
            b = v & 0x7F
            v >>= 7
            if v:
                out += bytes([b | 0x80])
            else:
                return out + bytes([b])
    tag = varint(num << 3 | wire)
    if wire == 2:
        return tag + varint(len(payload)) + payload
    if wire == 0:
        return tag + varint(payload & (2**64 - 1))
    if wire == 5:
        return tag + struct.pack("<I", payload)
    raise ValueError(wire)


def merged():
    """Concatenated Examples and hand-made entries: duplicate keys (the last
    wins), a feature merged from two messages, a oneof overridden, packed
    and unpacked values mixed."""
    a = pb.Example()
    a.features.feature["x"].float_list.value.extend([1, 2])
    a.features.feature["y"].int64_list.value.append(1)
    b = pb.Example()
    b.features.feature["x"].int64_list.value.append(5)

    def entry(key, *feature_msgs):
        return field(1, 2, field(1, 2, key) + b"".join(field(2, 2, m) for m in feature_msgs))

    fl = lambda *v: pb.Feature(float_list=pb.FloatList(value=v)).SerializeToString()
    il = lambda *v: pb.Feature(int64_list=pb.Int64List(value=v)).SerializeToString()
    # float_list with packed [1] then unpacked 2, 3 then packed [4].
    mixed_floats = field(2, 2, field(1, 2, struct.pack("<f", 1)) + field(1, 5, 0x40000000) +
                         field(1, 5, 0x40400000) + field(1, 2, struct.pack("<f", 4)))
    mixed_ints = field(3, 2, field(1, 0, 7) + field(1, 2, bytes([8, 0xFF, 0x01])) + field(1, 0, -9))
    c = field(1, 2, entry(b"m", fl(1), fl(2, 3)) + entry(b"o", fl(1), il(4)) +
              entry(b"mf", mixed_floats) + entry(b"mi", mixed_ints) +
              entry(b"y", il(2)) + entry(b"nokey_next", il(1)) +
              field(1, 2, field(2, 2, il(6))))  # an entry without a key: key ""
    return a.SerializeToString() + b.SerializeToString() + c


def sequence():
    s = pb.SequenceExample()
    s.context.feature["id"].bytes_list.value.append(b"seq-1")
    s.context.feature["len"].int64_list.value.append(3)
    frames = s.feature_lists.feature_list["frames"].feature
    for t in range(3):
        frames.add().float_list.value.extend([2 * t + 1, 2 * t + 2])
    tokens = s.feature_lists.feature_list["tokens"].feature
    tokens.add().int64_list.value.append(1)
    tokens.add().int64_list.value.extend([2, 3])
    tokens.add().int64_list.SetInParent()
    s.feature_lists.feature_list["empty"].SetInParent()
    return s


def main():
    spec = pb.Example()
    spec.features.feature["label"].int64_list.value.append(3)
    spec.features.feature["name"].bytes_list.value.append(b"ab")
    spec.features.feature["x"].float_list.value.extend([1.0, 2.0])
    write("spec", pb.Example, spec.SerializeToString(deterministic=True))

    write("rich", pb.Example, rich(pb).SerializeToString(deterministic=True))
    write("unpacked", pb.Example, rich(unpacked).SerializeToString(deterministic=True))

    ext = rich(extended)
    ext.note = "unknown to tf.Example"
    ext.level = -3
    ext.features.feature["floats"].comment = "unknown to tf.Feature"
    ext.features.feature["ints"].junk.extend([1, 2])
    write("extended", pb.Example, ext.SerializeToString(deterministic=True))

    write("merged", pb.Example, merged())
    write("sequence", pb.SequenceExample, sequence().SerializeToString(deterministic=True))

    write("empty", pb.Example, pb.Example().SerializeToString())
    present = pb.Example()
    present.features.SetInParent()
    write("empty_features", pb.Example, present.SerializeToString())
    seq_present = pb.SequenceExample()
    seq_present.context.SetInParent()
    seq_present.feature_lists.SetInParent()
    write("empty_sequence", pb.SequenceExample, seq_present.SerializeToString())


if __name__ == "__main__":
    main()
