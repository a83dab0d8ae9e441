#!/usr/bin/env bash
# Builds kvcap's real development set (captioned icons and flags from npm packages; no emoji sets)
# in MSCOCO layout under OUT; with --set b the second real set, from other icon families
# (Lucide, Phosphor, Tabler); with --set c a third (Ionicons, Octicons, Unicons, Carbon). Needs npm (the registry, at build time only), python3 and
# rsvg-convert (Debian's librsvg2-bin, installed here when missing). See docs/REAL-DATA.md.
#
#   bench/realdata/build.sh OUT [--set a|b|c] [--seed S] [--size 64]
set -euo pipefail
out=${1:?usage: bench/realdata/build.sh OUT [--set a|b|c] [--seed S] [--size N]}
shift
set_name=a
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = --set ]; then set_name=${args[$((i + 1))]:-}; fi
done
here=$(cd "$(dirname "$0")" && pwd)
pkgs=${KVCAP_PKGS:-$HOME/.cache/kvcap-realdata}
# Pinned versions: the set is the same on every machine.
if [ "$set_name" = c ]; then
  declare -A versions=(
    [ionicons]=ionicons@8.1.0
    [octicons]=@primer/octicons@19.42.0
    [unicons]=@iconscout/unicons@4.2.0
    [carbon-icons]=@carbon/icons@11.89.0
  )
elif [ "$set_name" = b ]; then
  declare -A versions=(
    [lucide-static]=lucide-static@1.87.0
    [phosphor-core]=@phosphor-icons/core@2.1.1
    [tabler-icons]=@tabler/icons@3.54.0
  )
else
  declare -A versions=(
    [mdi-svg]=@mdi/svg@7.4.47
    [fontawesome-free]=@fortawesome/fontawesome-free@7.3.1
    [flag-icons]=flag-icons@7.5.0
    [circle-flags]=circle-flags@2.8.3
    [world-countries]=world-countries@5.1.0
  )
fi
if ! command -v rsvg-convert >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends librsvg2-bin >/dev/null
fi
mkdir -p "$pkgs"
for dir in "${!versions[@]}"; do
  if [ ! -d "$pkgs/$dir/package" ]; then
    tgz=$(cd "$pkgs" && npm pack "${versions[$dir]}" --silent | tail -1)
    mkdir -p "$pkgs/$dir.tmp" && tar xzf "$pkgs/$tgz" -C "$pkgs/$dir.tmp" && mv "$pkgs/$dir.tmp" "$pkgs/$dir"
    rm -f "$pkgs/$tgz"
  fi
done
python3 "$here/icons.py" --pkgs "$pkgs" --out "$out" "$@"
