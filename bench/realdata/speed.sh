#!/bin/bash
# Training speed of each phase on the real development set (build.sh): 2,048 training images, two
# epochs each (the second is the steady state), logs with images_per_s and /usr/bin/time in WORKDIR.
# usage: bench/realdata/speed.sh WORKDIR TRAINED_MODEL [REAL_SET]   (after ./mvnw -q package -DskipTests)
set -euo pipefail
HERE=$(cd "$(dirname "$0")/../.." && pwd)
W=${1:?usage: speed.sh WORKDIR TRAINED_MODEL [REAL_SET]}
INIT=$(cd "${2:?usage: speed.sh WORKDIR TRAINED_MODEL [REAL_SET]}" && pwd)
REAL=$(cd "${3:-/tmp/real}" && pwd)
mkdir -p "$W" && cd "$W"
K="java -Dai.djl.offline=true -Xmx8g -cp $HERE/kvcap-core/target/kvcap.jar:$HERE/kvcap-core/target/lib/* dev.kvcap.cli.Main"
T="--captions $REAL/annotations/captions_train.json --images $REAL/images/train --limit 2048
   --val-captions $REAL/annotations/captions_val.json --val-images $REAL/images/val --epochs 2"
run() { name=$1; shift; echo "$name"; /usr/bin/time -v $K train $T --out "$name" "$@" > "$name.log" 2>&1; }
run xe-live --config small
run xe-frozen --init "$INIT" --freeze-encoder
run scst-live --init "$INIT" --scst
run scst-frozen --init "$INIT" --scst --freeze-encoder
run scst-greedy --init "$INIT" --scst --scst-baseline greedy --freeze-encoder
grep -H -E "frozen encoder ready|^epoch [0-9]+: " ./*.log | sed -E 's/  val_.*//'
