#!/usr/bin/env bash
# Benchmark regression gate (called by .ci/run after the tests, and by .github/workflows/bench.yml).
#   scripts/bench-ci.sh                    run the CI subset, compare with results/baseline/ (exit 1 on a regression)
#   scripts/bench-ci.sh --update-baseline  run the CI subset and accept it as the new baseline
#   scripts/bench-ci.sh --baseline DIR     compare with (or, with --update-baseline, write) another baseline folder
#   scripts/bench-ci.sh --no-run           compare the reports a previous run left in $BENCH_ARTIFACTS (no benchmark is run again)
# Any other option goes to the comparer: --timings report (machine unlike the baseline's: timings shown,
# not gated), --metrics report (baseline from another build), --threshold-percent N, --noise-floor-us N, --alpha A, --metric-tolerance T.
set -euo pipefail
cd "$(dirname "$0")/.."

update=0
run=1
baseline=results/baseline
compare_args=()
while (($#)); do
  case "$1" in
    --update-baseline) update=1 ;;
    --no-run) run=0 ;;
    --baseline) baseline="${2:?--baseline needs a folder}"; shift ;;
    *) compare_args+=("$1") ;;
  esac
  shift
done

artifacts="${BENCH_ARTIFACTS:-BenchmarkDotNet.Artifacts/ci}"
dotnet build -c Release -nologo -v q bench/LayeredPrefill.ResultsComparer/LayeredPrefill.ResultsComparer.csproj
comparer=bench/LayeredPrefill.ResultsComparer/bin/Release/net10.0/results-comparer.dll

if ((run)); then
  rm -rf "$artifacts"
  dotnet build -c Release -nologo -v q bench/LayeredPrefill.Benchmarks/LayeredPrefill.Benchmarks.csproj
  start=$(date +%s)
  dotnet bench/LayeredPrefill.Benchmarks/bin/Release/net10.0/LayeredPrefill.Benchmarks.dll --ci --artifacts "$artifacts"
  echo "CI benchmark subset ran in $(($(date +%s) - start)) s"
elif [[ ! -d "$artifacts/results" ]]; then
  echo "error: --no-run: no reports in $artifacts/results (run scripts/bench-ci.sh once first)" >&2
  exit 2
fi

if ((update)); then
  dotnet "$comparer" update --current "$artifacts/results" --baseline "$baseline"
  exit 0
fi
summary=()
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then summary=(--markdown "$GITHUB_STEP_SUMMARY"); fi
dotnet "$comparer" compare --baseline "$baseline" --current "$artifacts/results" "${compare_args[@]}" "${summary[@]}"
