#!/usr/bin/env bash
# Installs einsim under PREFIX: the release binary as PREFIX/bin/einsim, the shipped profiles
# (with their schemas) in PREFIX/share/einsim/profiles and the cascades in
# PREFIX/share/einsim/cascades, where the installed binary finds them from any working directory
# (README "Installed use").
#
#   Scripts/install.sh PREFIX            e.g. Scripts/install.sh ~/.local or /usr/local
#   SCRATCH=DIR Scripts/install.sh ...   build in DIR (swift build --scratch-path)
#   STATIC=1 Scripts/install.sh ...      link the Swift runtime statically (--static-swift-stdlib),
#                                        for machines without a Swift toolchain (libxml2 stays shared)
set -euo pipefail
prefix="${1:?usage: Scripts/install.sh PREFIX}"
cd "$(dirname "$0")/.."
flags=(-c release --product einsim)
[ -n "${SCRATCH:-}" ] && flags+=(--scratch-path "$SCRATCH")
[ "${STATIC:-0}" = "1" ] && flags+=(--static-swift-stdlib)
swift build "${flags[@]}"
bin="$(swift build "${flags[@]}" --show-bin-path)"
mkdir -p "$prefix/bin" "$prefix/share/einsim/profiles" "$prefix/share/einsim/cascades"
install -m 755 "$bin/einsim" "$prefix/bin/einsim"
cp -R HardwareProfiles/. "$prefix/share/einsim/profiles/"
cp -R Examples/cascades/. "$prefix/share/einsim/cascades/"
echo "installed $prefix/bin/einsim ($("$prefix/bin/einsim" --version)); data in $prefix/share/einsim/{profiles,cascades}"
