#!/usr/bin/env bash
# A corpus of small, targeted Zstandard test vectors made by the reference zstd tool, each aimed at
# a part of the format the big vectors (make-vectors.sh) do not reach: empty and tiny frames (raw
# literals, one-stream Huffman), long runs (RLE blocks), incompressible bytes (raw blocks), dense
# short matches (many sequences per block). (RLE literals and RLE sequence tables, which the
# encoder did not choose for any input tried, are covered by a frame assembled in the test.)
# corpus.txt lists each vector with
# the SHA-256 and size of its content; the inputs themselves are not kept.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus
python3 - <<'PY'
import random
r = random.Random(7)
inputs = {
    'empty': b'',
    'one-byte': b'x',
    'short-text': b'The host backend interprets PTX on the CPU.\n' * 2,
    'run': b'A' * 300_000,
    'incompressible': bytes(r.randrange(256) for _ in range(5_000)),
    'dense-matches': bytes(r.choice(b'abc') for _ in range(30_000)),
    'text-and-runs': b''.join((b'kernel %d launched\n' % r.randrange(1000)) + b'-' * r.randrange(300) for _ in range(1000)),
}
for name, data in inputs.items():
    open('corpus/' + name + '.bin', 'wb').write(data)
PY
: > corpus.txt
for input in corpus/*.bin; do
  name=$(basename "$input" .bin)
  digest=$(sha256sum "$input" | cut -d' ' -f1)
  size=$(stat -c %s "$input")
  for level in 1 19; do
    zstd -q -f -$level "$input" -o "corpus/$name.$level.zst"
    echo "$name.$level.zst $digest $size" >> corpus.txt
  done
  rm "$input"
done
du -sh corpus
