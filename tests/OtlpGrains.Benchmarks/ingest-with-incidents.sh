#!/usr/bin/env bash
# Trace-ingest throughput of one Release silo (in memory) with the load tool, as README.md's Performance section
# measures it, with or without open incidents whose views are read every second.
#
#   bash tests/OtlpGrains.Benchmarks/ingest-with-incidents.sh with|without [runs] [out-dir]
#
# 1. Starts a fresh silo on its own ports (GRPC_PORT, default 14317; API_PORT, default 18080).
# 2. History: three load-tool runs of five services each, two hours of event time at 120x (about a minute), side by
#    side. With `with`, each has a fault for its last two and a half minutes (errors, latency, errors), which opens
#    incidents that are still open when the history ends (an older fault's anomalies fade as the detectors adapt);
#    with `without` the same runs have no fault, so both silos have taken the same data before the measurement.
# 3. With `with`, polls GET /api/v1/incidents (every incident's view: the evidence of its services and the ranking)
#    once a second during the measured runs, and logs each poll's status and time.
# 4. Runs the load tool `runs` times (default 2): 8 streams, 30 s, on new services, as the #5 figure was measured.
# `alternate` opens the incidents as `with` does, then runs four times on the same silo, polling during the second and
# third runs only (off, on, on, off), so that the other work on a shared machine and the silo's own drift from run to
# run weigh on both sides alike. `poll-cost` opens the incidents, then measures the silo's CPU time (from /proc) over
# 300 polls in a row against 10 s idle, with no load: the cost of one poll, free of the machine's noise.
# Needs a Release build: dotnet build silo -c Release; dotnet build tools/OtlpGrains.LoadTool -c Release.
set -euo pipefail
mode=${1:?with or without}
runs=${2:-2}
out=${3:-$(mktemp -d /tmp/ingest-with-incidents.XXXXXX)}
[[ $mode =~ ^(with|without|alternate|poll-cost)$ ]] || { echo "first argument: with, without, alternate or poll-cost" >&2; exit 2; }
[[ $mode == alternate ]] && runs=4
[[ $mode == poll-cost ]] && runs=0
root=$(cd "$(dirname "$0")/../.." && pwd)
silo=$root/silo/bin/Release/net10.0/OtlpGrains.Silo.dll
load=$root/tools/OtlpGrains.LoadTool/bin/Release/net10.0/OtlpGrains.LoadTool.dll
grpc=${GRPC_PORT:-14317}
api=${API_PORT:-18080}
mkdir -p "$out"

export OtlpGrains__Otlp__GrpcPort=$grpc OtlpGrains__Otlp__HttpPort=$((grpc + 1)) OtlpGrains__Api__Port=$api \
  OtlpGrains__Cluster__SiloPort=$((api + 3031)) OtlpGrains__Cluster__GatewayPort=$((api + 3032)) \
  OtlpGrains__Cluster__ClusterId=ingest-$mode-$$
dotnet "$silo" > "$out/silo.log" 2>&1 &
silo_pid=$!
poll_pid=
trap 'kill $silo_pid $poll_pid 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$api/readyz" > /dev/null && break
  sleep 1
done

history=()
for i in 1 2 3; do
  fault=()
  if [[ $mode != without ]]; then
    kind=errors; [[ $i == 2 ]] && kind=latency
    fault=(--fault "$kind" --fault-service "$i" --fault-after 7050)
  fi
  dotnet "$load" --endpoint "http://127.0.0.1:$grpc" --api "http://127.0.0.1:$api" --streams 2 --rate 30 --duration 180 \
    --services 5 --run-id "hist$i$RANDOM" --event-start 7200 --speed 120 "${fault[@]}" > "$out/history$i.log" 2>&1 &
  history+=($!)
done
for i in 0 1 2; do
  wait "${history[$i]}" || echo "history run $((i + 1)) exited $? (see $out/history$((i + 1)).log)"
done

curl -s "http://127.0.0.1:$api/api/v1/incidents" > "$out/incidents.json"
echo "$mode: $(jq '[.incidents[] | select(.status == "open")] | length' "$out/incidents.json") open incidents ($(jq '.incidents | length' "$out/incidents.json") in all), $(jq '[.incidents[] | select(.status == "open") | .services | length] | add // 0' "$out/incidents.json") services in the open ones, $(wc -c < "$out/incidents.json") bytes of JSON per poll"

start_polls() {
  (while :; do
     curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$api/api/v1/incidents" >> "$out/polls$1.log"
     sleep 1
   done) &
  poll_pid=$!
}

stop_polls() {
  kill "$poll_pid"
  poll_pid=
  awk '{ n++; s += $2; if ($2 > m) m = $2; if ($1 != 200) bad++ } END { printf "  polls: %d, mean %.3f s, max %.3f s, not 200: %d\n", n, s / n, m, bad }' "$out/polls$1.log"
}

for r in $(seq "$runs"); do
  polling=no
  if [[ $mode == with || ($mode == alternate && ($r == 2 || $r == 3)) ]]; then
    polling=yes
    start_polls "$r"
  fi
  dotnet "$load" --endpoint "http://127.0.0.1:$grpc" --api "http://127.0.0.1:$api" --streams 8 --duration 30 > "$out/run$r.log" 2>&1 || true
  echo "$mode run $r (polling $polling): $(grep -E '^spans ' "$out/run$r.log" | head -1) | $(grep -E '^latency' "$out/run$r.log") | $(grep -cE ' ok$' "$out/run$r.log") services ok, $(grep -c MISMATCH "$out/run$r.log" || true) mismatched; load average $(cut -d' ' -f1 /proc/loadavg)"
  [[ $polling == yes ]] && stop_polls "$r"
done

if [[ $mode == poll-cost ]]; then
  # The history's traces complete and its windows close in the first seconds after it ends: let them settle, and
  # take the idle rate before and after the polls.
  cpu() { awk '{ print $14 + $15 }' "/proc/$silo_pid/stat"; }   # user + system clock ticks
  ticks=$(getconf CLK_TCK)
  sleep 30
  for _ in $(seq 20); do curl -s -o /dev/null "http://127.0.0.1:$api/api/v1/incidents"; done
  before=$(cpu); sleep 10; idle1=$(( ($(cpu) - before) * 1000 / ticks ))
  before=$(cpu); start=$(date +%s%N)
  for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$api/api/v1/incidents"; done
  busy=$(( ($(cpu) - before) * 1000 / ticks )); wall=$(( ($(date +%s%N) - start) / 1000000 ))
  before=$(cpu); sleep 10; idle2=$(( ($(cpu) - before) * 1000 / ticks ))
  echo "300 polls: silo CPU ${busy} ms in ${wall} ms; idle: ${idle1} and ${idle2} ms per 10 s; per poll: $(( (busy - (idle1 + idle2) * wall / 20000) / 300 )) ms of CPU"
fi
echo "logs in $out; silo RSS $(ps -o rss= -p $silo_pid | awk '{ printf "%.0f MB", $1 / 1024 }')"
