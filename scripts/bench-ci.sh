#!/usr/bin/env bash
# Benchmark regression gate (called by .ci/run after the tests, and by .github/workflows/bench.yml).
#   scripts/bench-ci.sh                    run the CI subset and the baseline's build alternately (A B B A) and compare:
#                                          timings against the baseline's build measured in this job, Sim.* metrics
#                                          against results/baseline/ (exit 1 on a regression, 2 on bad input)
#   scripts/bench-ci.sh --update-baseline  run the CI subset once and accept it as the new baseline
#   scripts/bench-ci.sh --baseline DIR     compare with (or, with --update-baseline, write) another baseline folder
#   scripts/bench-ci.sh --no-run           compare the reports a previous run left in $BENCH_ARTIFACTS (no benchmark is run again)
#   scripts/bench-ci.sh --no-reference     run once; timings against the baseline's own samples (same machine, same day only)
# Any other option goes to the comparer: --timings report (timings shown, not gated; one run), --metrics report (baseline
# from another build), --threshold-percent N, --noise-floor-us N, --alpha A, --metric-tolerance T.
#
# Why A B B A: on a shared machine the same code's CPU time moves between days by more than the 30% threshold (README,
# "Regression gate", has the measurement), while runs minutes apart agree within it. So the baseline's build (the commit
# that last changed the baseline folder, checked by its Sim.* metrics matching the baseline's) is measured in the same
# job, before and after this code, and the pooled runs are compared.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "error: $*" >&2; exit 2; }

update=0
run=1
reference=1
baseline=results/baseline
timings=""
compare_args=()
while (($#)); do
  case "$1" in
    --update-baseline) update=1 ;;
    --no-run) run=0 ;;
    --no-reference) reference=0 ;;
    --baseline) (($# >= 2)) || fail "--baseline needs a folder"; baseline="$2"; shift ;;
    --timings)
      (($# >= 2)) || fail "--timings needs 'gate' or 'report'"
      timings="$2"
      [[ "$timings" == report ]] && reference=0
      shift ;;
    *) compare_args+=("$1") ;;
  esac
  shift
done
((update)) && reference=0

artifacts="${BENCH_ARTIFACTS:-BenchmarkDotNet.Artifacts/ci}"
ab="$artifacts/ab"
# What the last full run decided about timings: "reference BASELINE" (pooled A B B A runs judged against that baseline's
# build) or "unavailable WHY" (timings reported only); --no-run keeps that decision.
mode_file="$ab/timings-mode"
dotnet build -c Release -nologo -v q bench/LayeredPrefill.ResultsComparer/LayeredPrefill.ResultsComparer.csproj
comparer=bench/LayeredPrefill.ResultsComparer/bin/Release/net10.0/results-comparer.dll
suite=bench/LayeredPrefill.Benchmarks/bin/Release/net10.0/LayeredPrefill.Benchmarks.dll

# Options the comparer refuses are refused now, in its one line, not after minutes of benchmarks.
if ((!update)); then
  # (--current last: it takes several folders, and would swallow a misspelt option that followed it.)
  dotnet "$comparer" compare --baseline "$baseline" ${timings:+--timings "$timings"} "${compare_args[@]}" --current "$baseline" >/dev/null || exit $?
fi

reference_suite=""
reference_tree=""
remove_reference() {
  [[ -n "$reference_tree" ]] || return 0
  git worktree remove --force "$reference_tree" >/dev/null 2>&1 || rm -rf "$reference_tree"
  git worktree prune >/dev/null 2>&1 || true
}
trap remove_reference EXIT

no_reference() {
  echo "timing reference unavailable: $1; timings are reported, not gated"
  echo "unavailable $1" >"$mode_file"
  reference_suite=""
  timings=report
}

# The baseline's build: a worktree of the commit that last changed the baseline folder, built beside this one.
prepare_reference() {
  local commit
  commit=$(git log -1 --format=%H -- "$baseline" 2>/dev/null) || commit=""
  # In a shallow clone the oldest commit there seems to change every file, so it would be taken for the baseline's.
  if [[ "$(git rev-parse --is-shallow-repository 2>/dev/null)" != false ]]; then no_reference "this is not a full git clone"; return 0; fi
  if [[ -z "$commit" ]]; then no_reference "no commit in this clone changed $baseline"; return 0; fi
  reference_tree=$(mktemp -d "${TMPDIR:-/tmp}/bench-ci-reference.XXXXXX")
  if ! git worktree add --detach "$reference_tree" "$commit" >"$ab/reference-build.log" 2>&1; then
    no_reference "cannot check out $commit (see $ab/reference-build.log)"; return 0
  fi
  if ! dotnet build -c Release -nologo -v q "$reference_tree/bench/LayeredPrefill.Benchmarks/LayeredPrefill.Benchmarks.csproj" >>"$ab/reference-build.log" 2>&1; then
    no_reference "the baseline's commit ${commit:0:12} does not build here (see $ab/reference-build.log)"; return 0
  fi
  reference_suite="$reference_tree/$suite"
  reference_commit="$commit"
  echo "timing reference: the baseline's commit ${commit:0:12}, built in $reference_tree"
}

run_suite() { # dll, artifacts folder, label[, log file: BenchmarkDotNet's output goes there instead of here]
  local start rc=0
  start=$(date +%s)
  if (($# > 3)); then dotnet "$1" --ci --artifacts "$2" >"$4" 2>&1 || rc=$?
  else dotnet "$1" --ci --artifacts "$2" || rc=$?
  fi
  if ((rc)); then
    echo "CI benchmark subset ($3) failed with exit code $rc"
    if (($# > 3)); then tail -n 20 "$4"; fi
    return "$rc"
  fi
  echo "CI benchmark subset ($3) ran in $(($(date +%s) - start)) s"
}

# The planted slowdown is a demonstration for this code only; the reference always runs as committed.
run_reference() { (unset LAYERED_PREFILL_BENCH_PLANTED_SLOWDOWN; run_suite "$reference_suite" "$ab/$1" "the baseline's build, $2" "$ab/$1.log"); }

if ((run)); then
  rm -rf "$artifacts"
  mkdir -p "$ab"
  dotnet build -c Release -nologo -v q bench/LayeredPrefill.Benchmarks/LayeredPrefill.Benchmarks.csproj
  ((reference)) && prepare_reference
  if [[ -n "$reference_suite" ]]; then
    run_reference reference-1 "run 1" || no_reference "the baseline's build failed to run (see $ab/reference-1.log)"
  fi
  run_suite "$suite" "$artifacts" "this code, run 1"
  if [[ -n "$reference_suite" ]]; then
    run_suite "$suite" "$ab/current-2" "this code, run 2" "$ab/current-2.log"
    run_reference reference-2 "run 2" || no_reference "the baseline's build failed to run (see $ab/reference-2.log)"
  fi
  if [[ -n "$reference_suite" ]]; then
    # The reference is the baseline's build only if it computes the baseline's simulated metrics.
    if dotnet "$comparer" compare --baseline "$baseline" --current "$ab/reference-1/results" "$ab/reference-2/results" \
         --timings report >"$ab/reference-check.md" 2>&1; then
      echo "reference $baseline" >"$mode_file"
    else
      no_reference "the commit ${reference_commit:0:12} does not reproduce $baseline's Sim.* metrics (see $ab/reference-check.md), so it is not the baseline's build"
    fi
  fi
elif [[ ! -d "$artifacts/results" ]]; then
  fail "--no-run: no reports in $artifacts/results (run scripts/bench-ci.sh once first)"
fi

if ((update)); then
  dotnet "$comparer" update --current "$artifacts/results" --baseline "$baseline"
  exit 0
fi
current=(--current "$artifacts/results")
mode=$(cat "$mode_file" 2>/dev/null || true)
if ((reference)) && [[ "$mode" == "reference $baseline" ]]; then
  current+=("$ab/current-2/results")
  compare_args+=(--timing-reference "$ab/reference-1/results" "$ab/reference-2/results")
elif ((reference)) && [[ "$mode" == unavailable* ]]; then
  ((run)) || echo "timing reference of the last run unavailable: ${mode#unavailable }; timings are reported, not gated"
  timings=report
fi
[[ -n "$timings" ]] && compare_args+=(--timings "$timings")
summary=()
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then summary=(--markdown "$GITHUB_STEP_SUMMARY"); fi
dotnet "$comparer" compare --baseline "$baseline" "${compare_args[@]}" "${summary[@]}" "${current[@]}"
