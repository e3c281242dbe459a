#!/usr/bin/env bash
# Zstandard test vectors made by the reference zstd tool, for ZstdDecoderTest. The input is
# generated (seeded, so reproducible) and not kept; input.sha256 records its digest. It mixes
# text-like data, long runs (RLE blocks), incompressible bytes (raw blocks) and repeats far apart
# (long offsets), and spans several 128 KiB blocks.
#   level1.zst  level19.zst  ultra22.zst  nocheck.zst  two-frames.zst (two frames, one after the other)
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY' > input.bin
import random, sys
r = random.Random(20261128)
words = [''.join(r.choice('abcdefghijklmnopqrstuvwxyz_%.$0123456789') for _ in range(r.randint(2, 9))) for _ in range(300)]
out = bytearray()
while len(out) < 160_000:
    k = r.random()
    if k < 0.70:
        out += (' '.join(r.choice(words) for _ in range(r.randint(3, 12))) + ';\n').encode()
    elif k < 0.75:
        out += bytes([r.randrange(256)]) * r.randint(100, 3000)
    elif k < 0.76:
        out += bytes(r.randrange(256) for _ in range(r.randint(100, 1500)))
    else:
        start = r.randrange(len(out)) if out else 0
        out += out[start:start + r.randint(10, 500)]
sys.stdout.buffer.write(bytes(out))
PY
sha256sum input.bin | cut -d' ' -f1 > input.sha256
zstd -q -f -1 input.bin -o level1.zst
zstd -q -f -19 input.bin -o level19.zst
zstd -q -f --ultra -22 input.bin -o ultra22.zst
zstd -q -f -3 --no-check input.bin -o nocheck.zst
zstd -q -f -5 -c input.bin > two-frames.zst
zstd -q -f -12 -c input.bin >> two-frames.zst
rm input.bin
ls -l
