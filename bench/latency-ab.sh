#!/usr/bin/env bash
# Decoding time of trained models in two builds of kvcap, the builds alternating (docs/BENCHMARKS.md,
# "Fewer calls a word"). Each build is a checkout with `./mvnw -q package -DskipTests` done.
#
#   bench/latency-ab.sh BASE NEW IMAGES ROUNDS WORDS MODEL_DIR...
#     e.g. git worktree add /tmp/base c44df4b && (cd /tmp/base && ./mvnw -q package -DskipTests)
#          bench/latency-ab.sh /tmp/base . /tmp/real/images/test 6 8 runs/off-s1/best runs/ret-grad-s1/best
#
# Per round and build: ModelStepProbe (one step, beam 3 rows of one image, 10 rounds of 200 steps,
# its median) over all models in one JVM, then CellProbe (the first 200 images one at a time,
# beam 3, every caption forced to WORDS words; its rounds 1-5, after one warm-up round) per model.
# Prints, per build and model, the median step and the median caption over all of them, each
# against the first model's. Run it alone: two jobs on a 2-core machine slow each other far beyond 2x.
# Paths must not contain spaces. The probes' stderr goes to LOG (default /tmp/latency-ab.log).
set -euo pipefail
if [ $# -lt 6 ]; then
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
base=$(cd "$1" && pwd); new=$(cd "$2" && pwd); images=$3; rounds=$4; words=$5; shift 5
models=(); for m in "$@"; do models+=("$(cd "$m" && pwd)"); done
files=("$images"/*); image=${files[0]}
out=$(mktemp)
log=${LOG:-/tmp/latency-ab.log}
: > "$log"
trap 'rm -f "$out"' EXIT
for r in $(seq "$rounds"); do
    for build in "$base" "$new"; do
        cp="$build/kvcap-core/target/test-classes:$build/kvcap-core/target/kvcap.jar:$build/kvcap-core/target/lib/*"
        java -XX:TieredStopAtLevel=1 -cp "$cp" dev.kvcap.infer.ModelStepProbe "$image" 10 200 "${models[@]}" 2>>"$log" \
            | grep "ms/step" | sed "s|^\(.*\): .*median \([0-9.]*\) ms/step|$build step \1 \2|" >> "$out"
        for m in "${models[@]}"; do
            java -XX:TieredStopAtLevel=1 -cp "$cp" dev.kvcap.infer.CellProbe "$m" "$images" 200 "$words" 2>>"$log" \
                | grep "^round [12345]" | sed "s|.*caption \([0-9.]*\) ms.*|$build caption $m \1|" >> "$out"
        done
    done
    echo "round $r of $rounds done" >&2
done
python3 - "$out" "$base" "$new" "${models[@]}" <<'EOF'
import collections, statistics, sys
path, base, new, *models = sys.argv[1:]
times = collections.defaultdict(list)
for line in open(path):
    build, kind, model, ms = line.split()
    times[(build, kind, model)].append(float(ms))
for build in (base, new):
    print(build)
    for kind, pick, what in (("step", statistics.median, "median step"), ("caption", statistics.median, "median caption")):
        first = pick(times[(build, kind, models[0])])
        for m in models:
            v = times[(build, kind, m)]
            print(f"  {what:16s} {m}: {pick(v):.3f} ms ({' '.join(f'{x:.3f}' for x in v)}) {100 * (pick(v) / first - 1):+.0f} %")
EOF
