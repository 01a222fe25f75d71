#!/usr/bin/env bash
# Runs the whole test suite. On a fresh Debian machine, as root, it first installs what the tests
# need from Debian's packages (Chromium, bubblewrap, PostgreSQL, git) and starts a throwaway
# PostgreSQL on loopback. Collects line and branch coverage of the app (coverlet; COVERAGE=0 skips it)
# and merges it into artifacts/coverage/ (ReportGenerator). Ends with the coverage line, then the
# line "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"

# --- what the tests need ----------------------------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
# Sandbox isolation: user-mode networking, the preview relay, the seccomp filter's library, nsenter.
command -v slirp4netns >/dev/null 2>&1 || missing+=(slirp4netns)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v nsenter >/dev/null 2>&1 || missing+=(util-linux)
ls /usr/lib/*/libseccomp.so.2 /lib/*/libseccomp.so.2 >/dev/null 2>&1 || missing+=(libseccomp2)
command -v git >/dev/null 2>&1 || missing+=(git)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing from Debian's packages: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" fonts-liberation >/dev/null || echo "warning: apt-get install failed; dependent tests will fail or skip"
  else
    echo "warning: missing ${missing[*]}; run as root to install them"
  fi
fi

# --- a private PostgreSQL for the multi-node tests (port 55432) ----------------------------------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
# Under /tmp, not the checkout: the postgres user may not be allowed into the clone's parent folders.
pg_data=$(mktemp -d /tmp/codegencicd-pg.XXXXXX)
pg_started=""
if [ -n "$pg_bin" ]; then
  run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  [ "$(id -u)" = 0 ] && chown postgres "$pg_data"
  if run_pg "$pg_bin/initdb" -D "$pg_data" -U cicd --auth=trust >"$results/pg-init.log" 2>&1 \
     && run_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w \
          -o "-p 55432 -k $pg_data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >>"$results/pg-init.log" 2>&1; then
    pg_started=1
    export CODEGENCICD_TEST_POSTGRES="Host=127.0.0.1;Port=55432;Username=cicd;Database=postgres"
  else
    echo "warning: PostgreSQL did not start (see $results/pg-init.log); PostgreSQL tests will be skipped"
  fi
fi
stop_pg() {
  [ -n "$pg_started" ] && run_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1
  rm -rf "$pg_data"
}
trap stop_pg EXIT

# --- the Cloudflare gateway Worker, in workerd (deploy/cloudflare) ------------------------------
# Its npm packages first: the app's end-to-end gateway tests start the same Worker.
worker_passed=0 worker_failed=0
if command -v npm >/dev/null 2>&1; then
  ( cd deploy/cloudflare \
    && { [ -d node_modules/miniflare ] || npm ci --no-audit --no-fund >"$results/worker-npm.log" 2>&1; } \
    && node --test test/*.test.js >"$results/worker.log" 2>&1 )
  worker_passed=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$results/worker.log" 2>/dev/null | tail -n 1)
  worker_failed=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$results/worker.log" 2>/dev/null | tail -n 1)
  if [ -z "$worker_passed" ]; then
    echo "gateway Worker: no test summary (see $results/worker-npm.log, $results/worker.log)"; worker_passed=0 worker_failed=1
  fi
  grep -E '^not ok' "$results/worker.log" | head -20
  echo "gateway Worker: $worker_passed passed, $worker_failed failed"
else
  echo "gateway Worker: npm missing"; worker_failed=1
fi

# --- build once, then every test project --------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! dotnet build CodegenCicd.sln -c Release -nologo -v quiet >"$results/build.log" 2>&1; then
  grep -E 'error' "$results/build.log" | sort -u | head -40
  echo "0 passed, 1 failed"
  exit 1
fi

coverage_dir="$root/artifacts/coverage"
coverage_args=()
if [ "${COVERAGE:-1}" != 0 ]; then
  rm -rf "$coverage_dir"
  coverage_args=(--collect "XPlat Code Coverage" --settings "$root/coverage.runsettings")
fi

passed=$worker_passed failed=$worker_failed skipped=0 status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  [ "$name" = "CodegenCicd.Benchmarks" ] && continue
  dotnet test "$project" -c Release --no-build -nologo "${coverage_args[@]}" \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results/$name" >"$results/$name.log" 2>&1 || status=1
  mv "$results/$name"/*.trx "$results/" 2>/dev/null
  # Show what failed (with its message) and each project's summary; the full log stays in artifacts/.
  grep -E -A6 '^\s+Failed [A-Za-z]' "$results/$name.log" | head -400
  grep -E '^\s*(Passed|Failed)!' "$results/$name.log"
  summary=$(grep -E '(Passed|Failed)!' "$results/$name.log" | tail -n 1)
  if [ -z "$summary" ]; then
    echo "$name: no test summary (see $results/$name.log)"; failed=$((failed + 1)); status=1; continue
  fi
  p=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$summary")
  f=$(sed -E 's/.*Failed: *([0-9]+),.*/\1/' <<<"$summary")
  s=$(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$summary")
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done

# --- coverage: one line with the totals, the report in artifacts/coverage/ -------------------------
if ((${#coverage_args[@]})); then
  reports=$(find "$results" -name coverage.cobertura.xml | paste -sd ';' -)
  if [ -n "$reports" ] && dotnet tool restore >"$results/coverage.log" 2>&1 \
     && dotnet reportgenerator "-reports:$reports" "-targetdir:$coverage_dir" \
          "-reporttypes:Html;TextSummary;Cobertura" "-title:CodegenCICD" >>"$results/coverage.log" 2>&1; then
    summary="$coverage_dir/Summary.txt"
    line=$(sed -nE 's/^ *Line coverage: *([0-9.]+%).*/\1/p' "$summary" | head -n 1)
    lines=$(sed -nE 's/^ *Covered lines: *([0-9]+).*/\1/p' "$summary" | head -n 1)
    coverable=$(sed -nE 's/^ *Coverable lines: *([0-9]+).*/\1/p' "$summary" | head -n 1)
    branch=$(sed -nE 's/^ *Branch coverage: *([0-9.]+%) \(([0-9]+) of ([0-9]+)\).*/\1 (\2 of \3)/p' "$summary" | head -n 1)
    echo "coverage: line $line ($lines of $coverable), branch $branch; report artifacts/coverage/index.html"
  else
    echo "coverage: no report (see $results/coverage.log)"
  fi
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && exit $status || exit 1
