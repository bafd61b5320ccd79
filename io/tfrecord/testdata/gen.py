#!/usr/bin/python3
"""Writes the TFRecord fixtures of package tfrecord with an implementation
independent of the Go code: Python's struct, gzip and zlib modules and the
crc32c module (Debian: python3-crc32c).

Run from this directory:  /usr/bin/python3 gen.py
"""
import gzip
import hashlib
import random
import struct
import zlib

import crc32c

MASK_DELTA = 0xA282EAD8


def masked_crc(data):
    c = crc32c.crc32c(data)
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + MASK_DELTA) & 0xFFFFFFFF


def frame(data):
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", masked_crc(length)) + data +
            struct.pack("<I", masked_crc(data)))


def payloads():
    rnd = random.Random(20240601)
    recs = [
        # The serialized tf.train.Example of the format specification.
        bytes.fromhex("0a330a0e0a056c6162656c12051a030a01030a0e0a046e616d6512060a04"
                      "0a0261620a110a0178120c120a0a080000803f00000040"),
        b"",
        b"hello",
    ]
    for n in (1, 7, 12, 16, 255, 4096):
        recs.append(bytes(rnd.getrandbits(8) for _ in range(n)))
    # Longer than the 64 KiB read buffer the tests also use.
    recs.append(b"".join(b"line %d of a long record\n" % i for i in range(4000)))
    recs.append(b"last")
    return recs


def main():
    recs = payloads()
    stream = b"".join(frame(r) for r in recs)
    with open("records.tfrecord", "wb") as f:
        f.write(stream)
    # mtime=0 keeps the gzip header, and so the file, reproducible.
    with open("records.tfrecord.gz", "wb") as f:
        f.write(gzip.compress(stream, compresslevel=6, mtime=0))
    with open("records.tfrecord.zz", "wb") as f:
        f.write(zlib.compress(stream, 6))
    with open("records.sha256", "w") as f:
        for r in recs:
            f.write("%d %s\n" % (len(r), hashlib.sha256(r).hexdigest()))


if __name__ == "__main__":
    main()
