#!/usr/bin/env bash
# Coverage-guided fuzzing of every decoder that reads outside bytes (tests/OtlpGrains.Fuzz), with SharpFuzz and AFL++.
# First every input under tests/OtlpGrains.Fuzz/regressions/TARGET/ (each a crash or hang an earlier run found, kept
# once fixed) is replayed through its target, and must pass. Then each target runs for a fixed budget from seeds our
# own code writes; the script fails when afl-fuzz saves a crash or a hang (or stops early), replays those inputs to
# show the exception, and prints per target afl-fuzz's executions per second, corpus size and coverage (fuzzer_stats).
#
# Usage: bash tests/fuzz.sh [--seconds N] [--no-build] [--out DIR] [TARGET...]
#   --seconds N  budget per target (default 15; tests/run.sh uses the default, a longer hunt e.g. --seconds 3600)
#   --no-build   use the Release build already in tests/OtlpGrains.Fuzz/bin (tests/run.sh has just built the solution)
#   --out DIR    where the instrumented copy, the seeds and afl-fuzz's output go (default: a fresh temporary directory,
#                removed on success)
#   TARGET       some of the targets (default: all; `dotnet tests/OtlpGrains.Fuzz/bin/Release/net10.0/OtlpGrains.Fuzz.dll list`)
# Needs afl-fuzz (Debian: apt-get install afl++) and the sharpfuzz tool of dotnet-tools.json (dotnet tool restore).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=15
build=1
out=""
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done

if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz.sh: --seconds wants a positive whole number, not '$seconds'" >&2
    exit 2
fi

if ! command -v afl-fuzz >/dev/null 2>&1; then
    echo "fuzz.sh: afl-fuzz not found: install AFL++ (Debian: apt-get install afl++; tests/run.sh does)" >&2
    exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null

project=tests/OtlpGrains.Fuzz
if [ "$build" -eq 1 ]; then
    # The host never loads the BPF objects, so the agent builds without the BPF toolchain here.
    dotnet build "$project/OtlpGrains.Fuzz.csproj" -c Release -p:SkipBpfBuild=true --nologo -v quiet >/dev/null
fi
built="$project/bin/Release/net10.0"
if [ ! -f "$built/OtlpGrains.Fuzz.dll" ]; then
    echo "fuzz.sh: no build in $built: run without --no-build" >&2
    exit 2
fi

keep=1
if [ -z "$out" ]; then
    out=$(mktemp -d "${TMPDIR:-/tmp}/otlpgrains-fuzz.XXXXXX")
    keep=0
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

# SharpFuzz instruments assemblies in place, so afl-fuzz runs an instrumented copy; the build stays clean for replays.
rm -rf "$out/bin"
cp -r "$built" "$out/bin"
dotnet tool run sharpfuzz "$out/bin/OtlpGrains.Gateway.dll" OtlpGrains.Gateway.Otlp OtlpGrains.Gateway.Ingest OtlpGrains.Gateway.Http
dotnet tool run sharpfuzz "$out/bin/OtlpGrains.Agent.dll" OtlpGrains.Agent.Protocols

# The regressions: inputs that once crashed or hung a target, replayed with the uninstrumented build.
regressions=$project/regressions
if [ -d "$regressions" ]; then
    for folder in "$regressions"/*/; do
        [ -d "$folder" ] || continue
        mapfile -t inputs < <(find "$folder" -maxdepth 1 -type f ! -name '*.md' | sort)
        [ ${#inputs[@]} -gt 0 ] || continue
        if ! dotnet "$built/OtlpGrains.Fuzz.dll" replay "$(basename "$folder")" "${inputs[@]}" > "$out/regressions.log" 2>&1; then
            echo "fuzz.sh: a regression input of $(basename "$folder") fails again:" >&2
            grep -v ': ok (' "$out/regressions.log" >&2 || true
            exit 1
        fi
        echo "regressions: ${#inputs[@]} inputs of $(basename "$folder") pass"
    done
fi

rm -rf "$out/seeds"
dotnet "$built/OtlpGrains.Fuzz.dll" seeds "$out/seeds"
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(dotnet "$built/OtlpGrains.Fuzz.dll" list | awk '{print $1}')
fi

# The dotnet host is not an AFL-compiled binary (SharpFuzz speaks the fork server protocol itself); no UI for logs;
# this machine's core_pattern and CPU governor are not ours to change; several fuzzers may share the cores; and a
# short budget is better spent fuzzing than calibrating the seeds eight times.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_FAST_CAL=1

stat_of() { awk -F' *: *' -v key="$1" '$1 == key { print $2 }' "$2"; }
# Saved inputs in an afl-fuzz output folder (each holds a README.txt besides them).
saved() { find "$1" -maxdepth 1 -type f -name 'id:*' 2>/dev/null; }

dotnet=$(command -v dotnet)
mkdir -p "$out/findings"
failed=()
printf '%-14s %10s %12s %8s %8s %8s %8s %6s\n' target "execs/s" execs corpus edges bitmap crashes hangs
for target in "${targets[@]}"; do
    if [ ! -d "$out/seeds/$target" ]; then
        echo "fuzz.sh: unknown target '$target'" >&2
        exit 2
    fi

    findings="$out/findings/$target"
    rm -rf "$findings"
    dictionary=()
    if [ -f "$out/seeds/$target.dict" ]; then dictionary=(-x "$out/seeds/$target.dict"); fi
    status=0
    # -t: a hang is an input that takes over 2 s (inputs take microseconds; the first one pays for the JIT).
    afl-fuzz -i "$out/seeds/$target" -o "$findings" "${dictionary[@]}" -t 2000 -m none -V "$seconds" \
        -- "$dotnet" "$out/bin/OtlpGrains.Fuzz.dll" fuzz "$target" >"$out/$target.log" 2>&1 || status=$?

    stats="$findings/default/fuzzer_stats"
    if [ "$status" -ne 0 ] || [ ! -f "$stats" ]; then
        echo "$target: afl-fuzz stopped with status $status; the end of $out/$target.log:" >&2
        tail -n 15 "$out/$target.log" | sed 's/\x1b[[()][0-9;?]*[A-Za-z]//g' >&2
        # A hang or a process-killing exception (stack overflow) ends SharpFuzz's in-process fork server: the input
        # it was running is afl-fuzz's current input.
        if [ -f "$findings/default/.cur_input" ]; then
            dotnet "$built/OtlpGrains.Fuzz.dll" replay "$target" "$findings/default/.cur_input" >&2 || true
        fi
        failed+=("$target")
        keep=1
        continue
    fi

    crashes=$(saved "$findings/default/crashes" | wc -l)
    hangs=$(saved "$findings/default/hangs" | wc -l)
    printf '%-14s %10.0f %12s %8s %8s %8s %8s %6s\n' "$target" "$(stat_of execs_per_sec "$stats")" "$(stat_of execs_done "$stats")" \
        "$(stat_of corpus_count "$stats")" "$(stat_of edges_found "$stats")" "$(stat_of bitmap_cvg "$stats")" "$crashes" "$hangs"
    if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
        failed+=("$target")
        keep=1
        # Replay outside afl-fuzz with the uninstrumented build: the exception, its stack and the input in hex.
        saved "$findings/default/crashes" | head -n 5 | xargs -r dotnet "$built/OtlpGrains.Fuzz.dll" replay "$target" >&2 || true
        saved "$findings/default/hangs" | head -n 5 | sed 's/^/hang: /' >&2
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED ${failed[*]}; inputs and logs in $out/findings (replay one with: dotnet $built/OtlpGrains.Fuzz.dll replay TARGET FILE)" >&2
    echo "fuzz: once fixed, copy each input to $project/regressions/TARGET/ so that every later run replays it" >&2
    exit 1
fi

echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no crash or hang"
if [ "$keep" -eq 0 ]; then
    rm -rf "$out"
fi
