#!/usr/bin/env bash
# Regenerates the committed reference results under results/ on purpose (a user's `sweep`, `paper` and `report` write to the
# ignored runs/ instead). Each command is the one results/README.md lists; the sweeps are emptied first, since a sweep resumes
# by point key. The files carry vLLM's "date": set SOURCE_DATE_EPOCH for byte-identical output.
#   scripts/reference-results.sh            everything below (a few minutes on 2 cores)
#   scripts/reference-results.sh compare    only the compare-*.json files
#   scripts/reference-results.sh sweeps     only the sweeps and their reports
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
dotnet build -c Release -nologo -v q src/LayeredPrefill.Cli/LayeredPrefill.Cli.csproj
lp() { dotnet src/LayeredPrefill.Cli/bin/Release/net10.0/layered-prefill.dll "$@"; }

if [[ "$what" == all || "$what" == compare ]]; then
  rm -f results/compare-*.json results/one-8192-prompt-tp1*.json
  lp compare --output results/compare-default.json
  lp compare --device h100-paper-engine --output results/compare-paper-engine.json
  lp compare --device results/devices/h100.json --tp 2 --output results/compare-h100-calibrated-tp2.json
  lp compare --device results/devices/h100.json --tp 1 --output results/compare-h100-calibrated-tp1.json
  lp compare --prompt-tokens 8192 --requests 1 --tp 1 --policies chunked-512,layered-g16,layered-adaptive --output results/one-8192-prompt-tp1.json
fi
if [[ "$what" == all || "$what" == sweeps ]]; then
  rm -rf results/sweeps/default results/sweeps/paper results/sweeps/paper-h100-sxm
  lp sweep --results-dir results
  lp paper --seeds 3 --results-dir results
  lp paper --device h100-sxm --seeds 3 --results-dir results
fi
