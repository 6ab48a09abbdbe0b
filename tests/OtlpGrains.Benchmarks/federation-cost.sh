#!/usr/bin/env bash
# What federation costs, as issue #15 asks: three clusters on this machine (three Release silos in memory mode, on
# loopback, no keys), each fed SERVICES distinct services by the load tool.
#
#   bash tests/OtlpGrains.Benchmarks/federation-cost.sh [seconds] [services]
#
# 1. Without federation: the three silos start with no federation settings, are fed, settle, and the CPU time of each
#    silo process (utime + stime from /proc) is measured over `seconds` (default 60) of quiet.
# 2. With federation: the same with each cluster the other two's peer (SummaryIntervalSeconds INTERVAL, default 10,
#    the production default; PeerTimeoutSeconds 2): the same CPU figure, and the summary bytes cluster a pulled over
#    the window (otlpgrains_federation_pulled_bytes_total on its /metrics, both peers together), per minute.
# 3. Latency from cluster a, QUERIES (default 200) of each: /api/v1/federation/services and a federated trace that
#    hops through all three clusters, p50 and p99 (curl's time_total); then with c frozen (SIGSTOP: a slow peer that
#    accepts connections and never answers) again, SLOW_QUERIES (default 30) of each.
# Needs a Release build: dotnet build silo -c Release; dotnet build tools/OtlpGrains.LoadTool -c Release.
set -euo pipefail
seconds=${1:-60}
services=${2:-1000}
[[ $seconds =~ ^[0-9]+$ && $services =~ ^[0-9]+$ ]] || { echo "usage: federation-cost.sh [seconds] [services]" >&2; exit 2; }
interval=${INTERVAL:-10}
queries=${QUERIES:-200}
slow_queries=${SLOW_QUERIES:-30}
root=$(cd "$(dirname "$0")/../.." && pwd)
silo=$root/silo/bin/Release/net10.0/OtlpGrains.Silo.dll
load=$root/tools/OtlpGrains.LoadTool/bin/Release/net10.0/OtlpGrains.LoadTool.dll
for f in "$silo" "$load"; do [[ -f $f ]] || { echo "missing $f: build it with -c Release first" >&2; exit 2; }; done
out=$(mktemp -d /tmp/federation-cost.XXXXXX)
names=(a b c)
base=${BASE_PORT:-15000}
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill -9 "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

port() { echo $((base + 100 * $1 + $2)); } # cluster index, offset: 17 OTLP/gRPC, 18 OTLP/HTTP, 80 API, 11 silo, 30 gateway

start() { # federated: yes|no
  pids=()
  for i in 0 1 2; do
    local env=(OtlpGrains__Storage__Provider=memory
      OtlpGrains__Otlp__GrpcPort="$(port $i 17)" OtlpGrains__Otlp__HttpPort="$(port $i 18)" OtlpGrains__Api__Port="$(port $i 80)"
      OtlpGrains__Cluster__SiloPort="$(port $i 11)" OtlpGrains__Cluster__GatewayPort="$(port $i 30)"
      OtlpGrains__Cluster__ClusterId="fedcost-${names[$i]}-$$" OtlpGrains__Cluster__ServiceId="fedcost-${names[$i]}-$$"
      OtlpGrains__Traces__SampleProbability=1 OtlpGrains__Traces__IdleSeconds=2 Logging__LogLevel__Default=Warning)
    if [[ $1 == yes ]]; then
      env+=(OtlpGrains__Federation__ClusterName="${names[$i]}" OtlpGrains__Federation__SummaryIntervalSeconds="$interval")
      local n=0
      for j in 0 1 2; do
        [[ $j == "$i" ]] && continue
        env+=(OtlpGrains__Federation__Peers__${n}__Name="${names[$j]}" OtlpGrains__Federation__Peers__${n}__Endpoint="http://127.0.0.1:$(port $j 17)")
        n=$((n + 1))
      done
    fi
    env "${env[@]}" dotnet "$silo" > "$out/silo-${names[$i]}-$1.log" 2>&1 &
    pids+=($!)
    disown # its SIGKILL at the end of a phase is expected, not news
  done
  for i in 0 1 2; do
    local ready=no
    for _ in $(seq 120); do
      curl -sf "http://127.0.0.1:$(port $i 80)/readyz" > /dev/null && { ready=yes; break; }
      sleep 1
    done
    [[ $ready == yes ]] || { echo "cluster ${names[$i]} was not ready in 120 s; see $out" >&2; exit 1; }
  done
}

feed() { # every cluster gets its own $services services, at a modest rate, at the same time
  local feeders=()
  for i in 0 1 2; do
    dotnet "$load" --endpoint "http://127.0.0.1:$(port $i 17)" --api "http://127.0.0.1:$(port $i 80)" --services "$services" \
      --duration 20 --rate 50 --streams 2 --run-id "${names[$i]}$$" --no-check > "$out/feed-${names[$i]}.log" 2>&1 &
    feeders+=($!)
  done
  wait "${feeders[@]}"
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

pulled_bytes() { # cluster a's summary bytes from both peers so far
  curl -sf "http://127.0.0.1:$(port 0 80)/metrics" | awk '/^otlpgrains_federation_pulled_bytes_total\{/ { sum += $NF } END { printf "%d\n", sum }'
}

measure() { # federated: yes|no
  start "$1"
  feed
  sleep 15 # the feed's traces complete and at least one pull of every peer has come back
  local known
  local path=/api/v1/services
  [[ $1 == yes ]] && path=/api/v1/federation/services
  known=$(curl -s "http://127.0.0.1:$(port 0 80)$path" | jq '.services | length' 2>/dev/null || echo "?")
  local before=() bytes_before=0 hz
  hz=$(getconf CLK_TCK)
  for i in 0 1 2; do before+=("$(cpu_ticks "${pids[$i]}")"); done
  [[ $1 == yes ]] && bytes_before=$(pulled_bytes)
  sleep "$seconds"
  local line="federation $1: cluster a answers for $known services; CPU over ${seconds} s (s per minute, of one core):"
  for i in 0 1 2; do
    line+=" ${names[$i]} $(awk -v t=$(( $(cpu_ticks "${pids[$i]}") - before[i] )) -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.2f", t / hz * 60 / s }')"
  done
  echo "$line"
  if [[ $1 == yes ]]; then
    local bytes=$(( $(pulled_bytes) - bytes_before ))
    awk -v b="$bytes" -v s="$seconds" 'BEGIN { printf "federation yes: cluster a pulled %d bytes of summaries from its 2 peers in %d s: %.0f bytes per minute\n", b, s, b * 60 / s }'
  fi
}

percentiles() { # label, file of seconds
  sort -n "$2" | awk -v label="$1" '{ v[NR] = $1 } END { p50 = v[int((NR + 1) * 0.5)]; i = int(NR * 0.99 + 0.5); if (i < 1) i = 1; printf "%s: %d queries, p50 %.1f ms, p99 %.1f ms\n", label, NR, p50 * 1000, v[i] * 1000 }'
}

hop_trace() { # one request through a -> b -> c, sent over OTLP/JSON; echoes its trace id
  local t now
  t=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  now=$(date +%s%N)
  span() { # id, parent, name, kind, start offset ns, end offset ns
    local parent=""
    [[ -n $2 ]] && parent="\"parentSpanId\":\"$2\","
    printf '{"traceId":"%s","spanId":"%s",%s"name":"%s","kind":%d,"startTimeUnixNano":"%d","endTimeUnixNano":"%d"}' \
      "$t" "$1" "$parent" "$3" "$4" $((now - $5)) $((now - $6))
  }
  send() { # cluster index, service, spans
    curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "http://127.0.0.1:$(port $1 18)/v1/traces" --data \
      '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"'"$2"'"}}]},"scopeSpans":[{"spans":['"$3"']}]}]}' \
      | grep -qx 200 || { echo "cluster ${names[$1]} refused the hopping trace's spans" >&2; exit 1; }
  }
  send 0 fedcost-front "$(span 00000000000000a1 "" "GET /checkout" 2 50000000 0),$(span 00000000000000a2 00000000000000a1 "POST /pay" 3 40000000 5000000)"
  send 1 fedcost-pay "$(span 00000000000000b1 00000000000000a2 "POST /pay" 2 38000000 7000000),$(span 00000000000000b2 00000000000000b1 "POST /charge" 3 30000000 10000000)"
  send 2 fedcost-bank "$(span 00000000000000c1 00000000000000b2 "POST /charge" 2 28000000 12000000)"
  echo "$t"
}

latency() { # label, count, path
  : > "$out/latency"
  for _ in $(seq "$2"); do
    curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$(port 0 80)$3" >> "$out/latency"
  done
  percentiles "$1" "$out/latency"
}

measure no
cleanup
sleep 2
measure yes

trace=$(hop_trace)
sleep 6 # the trace completes (2 s idle) in every cluster
spans=$(curl -s "http://127.0.0.1:$(port 0 80)/api/v1/traces/$trace?federated=true" | jq '.spans | length' 2>/dev/null || echo "?")
echo "latency from a, three clusters up (the hopping trace has $spans spans of 5 from a):"
latency "  /api/v1/federation/services" "$queries" /api/v1/federation/services
latency "  /api/v1/traces/{id}?federated=true" "$queries" "/api/v1/traces/$trace?federated=true"
kill -STOP "${pids[2]}"
echo "latency from a, c frozen (SIGSTOP; PeerTimeoutSeconds 2):"
latency "  /api/v1/federation/services" "$slow_queries" /api/v1/federation/services
latency "  /api/v1/traces/{id}?federated=true" "$slow_queries" "/api/v1/traces/$trace?federated=true"
kill -CONT "${pids[2]}"
echo "machine load: $(cut -d' ' -f1-3 /proc/loadavg); logs in $out"
