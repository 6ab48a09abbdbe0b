#!/usr/bin/env bash
# Time to first render of the console's overview (/ui) with 500 services, in headless Chromium, as README.md's
# Console section gives it.
#
#   bash tests/OtlpGrains.Benchmarks/console-first-render.sh [services] [runs]
#
# 1. Starts a fresh silo in memory on its own ports (GRPC_PORT, default 24317; API_PORT, default 28080), no keys.
# 2. Feeds it `services` services (default 500) with the load tool for 40 s and waits until the API lists them all.
# 3. Starts chromedriver and loads /ui `runs` times (default 5) in one headless chromium, each a fresh navigation, and
#    reads the page's own marks: 'overview-rendered', milliseconds from navigation start until the first map, table and
#    incident lists are in the DOM (its four API calls answered and drawn), and 'overview-painted', the frame after
#    that was painted. Prints each run and the medians.
# Needs a Release build (dotnet build silo tools/OtlpGrains.LoadTool -c Release) and Debian's chromium and
# chromium-driver (tests/run.sh installs them).
set -euo pipefail
services=${1:-500}
runs=${2:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
silo=$root/silo/bin/Release/net10.0/OtlpGrains.Silo.dll
load=$root/tools/OtlpGrains.LoadTool/bin/Release/net10.0/OtlpGrains.LoadTool.dll
grpc=${GRPC_PORT:-24317}
api=${API_PORT:-28080}
driver_port=${DRIVER_PORT:-29515}
out=$(mktemp -d /tmp/console-first-render.XXXXXX)

export OtlpGrains__Storage__Provider=memory OtlpGrains__Otlp__GrpcPort=$grpc OtlpGrains__Otlp__HttpPort=$((grpc + 1)) \
  OtlpGrains__Api__Port=$api OtlpGrains__Cluster__SiloPort=$((api + 3031)) OtlpGrains__Cluster__GatewayPort=$((api + 3032)) \
  OtlpGrains__Cluster__ClusterId=console-render-$$
dotnet "$silo" > "$out/silo.log" 2>&1 &
silo_pid=$!
driver_pid=
session=
wd=http://127.0.0.1:$driver_port
# Ending the session closes its chromium, which killing chromedriver alone would leave running.
trap '[ -n "$session" ] && curl -s -X DELETE "$wd/session/$session" > /dev/null; kill $silo_pid $driver_pid 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$api/readyz" > /dev/null && break
  sleep 1
done

dotnet "$load" --endpoint "http://127.0.0.1:$grpc" --api "http://127.0.0.1:$api" --streams 4 --duration 40 --services "$services" --run-id render$RANDOM \
  > "$out/load.log" 2>&1 || { echo "load tool failed, see $out/load.log" >&2; exit 1; }
for _ in $(seq 120); do
  listed=$(curl -sf "http://127.0.0.1:$api/api/v1/services" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["services"]))')
  [ "$listed" -ge "$services" ] && break
  sleep 1
done
edges=$(curl -sf "http://127.0.0.1:$api/api/v1/graph" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["edges"]))')
echo "silo lists $listed services and $edges edges"

chromedriver --port="$driver_port" > "$out/driver.log" 2>&1 &
driver_pid=$!
for _ in $(seq 50); do curl -sf "$wd/status" > /dev/null && break; sleep 0.2; done
session=$(curl -sf -X POST "$wd/session" -H 'content-type: application/json' -d '{"capabilities":{"alwaysMatch":{"browserName":"chrome",
  "goog:chromeOptions":{"binary":"/usr/bin/chromium","args":["--headless=new","--no-sandbox","--disable-dev-shm-usage","--disable-gpu","--window-size=1400,1000"]}}}}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"]["sessionId"])')
curl -sf -X POST "$wd/session/$session/timeouts" -H 'content-type: application/json' -d '{"script":120000,"pageLoad":120000}' > /dev/null

# Resolves with the mark's time once the overview has drawn its first answer.
wait_script='const done = arguments[arguments.length - 1];
(function check() { const m = performance.getEntriesByName("overview-rendered")[0], p = performance.getEntriesByName("overview-painted")[0];
  if (m && p) done({ rendered: m.startTime, painted: p.startTime, nodes: document.querySelectorAll("#service-map g.node").length, rows: document.querySelectorAll("#services-table tbody tr").length });
  else setTimeout(check, 20); })();'
times=()
paints=()
for i in $(seq "$runs"); do
  curl -sf -X POST "$wd/session/$session/url" -H 'content-type: application/json' -d '{"url":"about:blank"}' > /dev/null
  curl -sf -X POST "$wd/session/$session/url" -H 'content-type: application/json' -d "{\"url\":\"http://127.0.0.1:$api/ui\"}" > /dev/null
  result=$(curl -sf -X POST "$wd/session/$session/execute/async" -H 'content-type: application/json' \
    -d "$(python3 -c 'import json,sys; print(json.dumps({"script": sys.argv[1], "args": []}))' "$wait_script")")
  line=$(echo "$result" | python3 -c 'import json,sys; v=json.load(sys.stdin)["value"]; print("%d %d %d %d" % (v["rendered"], v["painted"], v["nodes"], v["rows"]))')
  read -r ms painted nodes rows <<< "$line"
  echo "run $i: in the DOM after ${ms} ms, painted after ${painted} ms ($nodes nodes on the map, $rows rows in the table)"
  times+=("$ms")
  paints+=("$painted")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "median over $runs runs: in the DOM after $(median "${times[@]}") ms, painted after $(median "${paints[@]}") ms"
