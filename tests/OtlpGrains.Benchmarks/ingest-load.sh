#!/usr/bin/env bash
# Ingest throughput and memory of one Release silo with the load tool, next to the null sink's figure from the same
# run (the ceiling the transport and the tool set on this machine), as issue #11 measures them.
#
#   bash tests/OtlpGrains.Benchmarks/ingest-load.sh memory|durable [seconds] [load-tool options...]
#
# 1. Runs the null sink (load tool `sink`) and sends to it for 20 s with the same options: the yardstick.
# 2. Starts a fresh silo on its own ports (GRPC_PORT, default 14317, the HTTP port one above; API_PORT, default
#    18080), in memory or, with `durable`, on a throwaway PostgreSQL 15 server (initdb in a temp dir, fsync on).
# 3. Runs the load tool for `seconds` (default 60) with --watch-pid on the silo, so the report has the silo's RSS every
#    5 s, and the exactly-once check.
# Extra options go to both load-tool runs, e.g. `--protocol http/json` or `--signal logs`; `--streams 8` unless given.
# The silo takes its other settings from the environment: with OtlpGrains__Tls__CertificatePath set the silo's
# endpoints are https (pass the CA with --ca), and with API keys pass one with --header "authorization=Bearer KEY".
# Needs a Release build: dotnet build silo -c Release; dotnet build tools/OtlpGrains.LoadTool -c Release.
set -euo pipefail
mode=${1:?memory or durable}
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
[[ $mode =~ ^(memory|durable)$ ]] || { echo "first argument: memory or durable" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
silo=$root/silo/bin/Release/net10.0/OtlpGrains.Silo.dll
load=$root/tools/OtlpGrains.LoadTool/bin/Release/net10.0/OtlpGrains.LoadTool.dll
grpc=${GRPC_PORT:-14317}
api=${API_PORT:-18080}
out=$(mktemp -d /tmp/ingest-load.XXXXXX)
args=("$@")
[[ " ${args[*]} " == *" --streams "* ]] || args+=(--streams 8)
http=0
[[ " ${args[*]} " == *" --protocol http/"* ]] && http=1
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  # The silo stops gracefully (its trace shards drain, its kept traces are written) before its database goes; the
  # next run must not meet it still stopping.
  if [[ -n ${silo_pid:-} ]]; then
    for _ in $(seq 60); do kill -0 "$silo_pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$silo_pid" 2>/dev/null || true
  fi
  if [[ -n ${pgdata:-} ]]; then
    su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdata -m immediate stop" > /dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# 1. The null sink.
dotnet "$load" sink --grpc-port $((grpc + 10)) --http-port $((grpc + 11)) > "$out/sink.log" 2>&1 &
pids+=($!)
sleep 3
sink_endpoint=http://127.0.0.1:$((grpc + 10 + http))
dotnet "$load" --endpoint "$sink_endpoint" --duration 20 --no-check "${args[@]}" > "$out/sink-run.log" 2>&1
echo "null sink:  $(grep -E '^(spans|records) ' "$out/sink-run.log")"
kill "${pids[0]}"

# 2. The silo.
scheme=http
[[ -n ${OtlpGrains__Tls__CertificatePath:-} ]] && scheme=https
export OtlpGrains__Otlp__GrpcPort=$grpc OtlpGrains__Otlp__HttpPort=$((grpc + 1)) OtlpGrains__Api__Port=$api \
  OtlpGrains__Cluster__SiloPort=$((api + 3031)) OtlpGrains__Cluster__GatewayPort=$((api + 3032)) \
  OtlpGrains__Cluster__ClusterId=ingest-load-$$ OtlpGrains__Cluster__ServiceId=ingest-load-$$
if [[ $mode == durable ]]; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  pgdir=$(mktemp -d /tmp/ingest-load-pg.XXXXXX)
  pgdata=$pgdir/data
  chown postgres "$pgdir"
  su postgres -s /bin/sh -c "$pgbin/initdb -D $pgdata -U postgres -A trust -E UTF8 --locale=C --no-sync" > "$out/initdb.log"
  printf "port = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nfsync = on\nmax_connections = 200\n" \
    $((api + 3040)) "$pgdir" >> "$pgdata/postgresql.conf"
  su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdata -l $pgdir/server.log -w start" > /dev/null
  export OtlpGrains__Storage__Provider=postgres \
    OtlpGrains__Storage__ConnectionString="Host=127.0.0.1;Port=$((api + 3040));Username=postgres;Database=postgres"
fi
dotnet "$silo" > "$out/silo.log" 2>&1 &
silo_pid=$!
pids+=($silo_pid)
for _ in $(seq 120); do
  curl -sfk "$scheme://127.0.0.1:$api/readyz" > /dev/null && break
  sleep 1
done

# 3. The measured run.
silo_endpoint=$scheme://127.0.0.1:$((grpc + http))
dotnet "$load" --endpoint "$silo_endpoint" --api "$scheme://127.0.0.1:$api" --duration "$seconds" --watch-pid "$silo_pid" "${args[@]}" \
  > "$out/run.log" 2>&1 || true
grep -vE '^load-.*-svc-' "$out/run.log" | grep -E '^(spans|records|requests|retries|failures|latency|rss|all services|exactly|MISMATCH)' || true
echo "machine load: $(cut -d' ' -f1-3 /proc/loadavg); logs in $out"
