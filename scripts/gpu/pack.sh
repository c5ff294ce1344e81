#!/usr/bin/env bash
# Publishes the CLI and the benchmark suite self-contained for linux-x64 into one folder (they share the runtime, so the
# archive is barely larger than the CLI alone) and packs it as .gpu/app.tar.xz for a GPU machine without .NET.
#   scripts/gpu/pack.sh            then copy .gpu/ to the GPU machine and run scripts/gpu/run.sh there
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for proj in src/LayeredPrefill.Cli/LayeredPrefill.Cli.csproj bench/LayeredPrefill.Benchmarks/LayeredPrefill.Benchmarks.csproj; do
  dotnet publish "$proj" -c Release -r linux-x64 --self-contained -p:InvariantGlobalization=true -p:PublishTrimmed=false \
    -p:DebugType=none -o "$out" > /dev/null
done
mkdir -p .gpu
tar -C "$out" -cf - . | xz -T2 -6 > .gpu/app.tar.xz
echo "packed .gpu/app.tar.xz ($(du -m .gpu/app.tar.xz | cut -f1) MiB): layered-prefill and LayeredPrefill.Benchmarks"
