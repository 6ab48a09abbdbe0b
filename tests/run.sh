#!/usr/bin/env bash
# Installs what the tests need (idempotently), builds the solution in Release and runs every test project.
# Exits non-zero when the build or any test fails. Usage: bash tests/run.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# Nothing beyond the .NET SDK is needed yet; later test suites (PostgreSQL, clang/libbpf) install their packages here.

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build OtlpGrains.sln -c Release

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test OtlpGrains.sln -c Release --no-build "$@" 2>&1 | tee "$log" || status=$?

# One closing line over all test projects, in the plain "N passed, N failed" form.
awk '/(Passed|Failed)! +- Failed:/ {
        gsub(/,/, ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
