#!/usr/bin/env bash
# The agent image for real: a silo (memory mode, its co-hosted gateway) and the agent, privileged with the host's
# PID namespace as the DaemonSet runs it, on one podman network. A Python HTTP server on the host answers curl; the
# agent captures the exchange in the kernel and exports the server span, which must appear as the service
# `http.server` in the silo's /api/v1/services. Exit 0 when it does.
#
#   bash deploy/images/agent-test.sh [--tag TAG] [--keep]
#
# Needs the images silo and agent (bash deploy/images/build.sh silo agent), root, python3 and curl. About 1 minute.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
export CONTAINERS_CONF="$repo/deploy/images/containers.conf"

tag=dev
keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --tag) tag="${2:?--tag needs a value}"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "agent-test.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for image in silo agent; do
    podman image exists "localhost/otlpgrains-$image:$tag" ||
        { echo "agent-test.sh: no image localhost/otlpgrains-$image:$tag; run: bash deploy/images/build.sh silo agent" >&2; exit 2; }
done

net=otlpgrains-at
prefix=10.213.78
silo_ip=$prefix.11
port=18731
server_pid=""
cleanup() {
    [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
    if [ -n "$keep" ]; then echo "kept: otlpgrains-at-silo, otlpgrains-at-agent and network $net"; return; fi
    podman rm -f -t 0 otlpgrains-at-agent otlpgrains-at-silo >/dev/null 2>&1 || true
    podman network rm -f "$net" >/dev/null 2>&1 || true
}
trap cleanup EXIT
podman rm -f -t 0 otlpgrains-at-agent otlpgrains-at-silo >/dev/null 2>&1 || true
podman network rm -f "$net" >/dev/null 2>&1 || true
podman network create --subnet "$prefix.0/24" "$net" >/dev/null

echo "== silo (memory mode)"
podman run -d --name otlpgrains-at-silo --network "$net" --ip "$silo_ip" \
    -e OtlpGrains__Otlp__ListenAddress=0.0.0.0 -e OtlpGrains__Api__ListenAddress=0.0.0.0 \
    -e OtlpGrains__Security__AllowAnonymous=true -e OtlpGrains__Traces__IdleSeconds=1 \
    "localhost/otlpgrains-silo:$tag" >/dev/null
deadline=$(( $(date +%s) + 90 ))
until curl -fsS -m 2 -o /dev/null "http://$silo_ip:8080/readyz" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "agent-test.sh: the silo is not ready after 90 s" >&2; podman logs --tail 20 otlpgrains-at-silo >&2; exit 1; }
    sleep 0.5
done

echo "== agent (privileged, host PID), following port $port"
podman run -d --name otlpgrains-at-agent --network "$net" --privileged --pid=host \
    -v /sys/kernel/btf:/sys/kernel/btf:ro -v /sys/kernel/tracing:/sys/kernel/tracing \
    -v /sys/fs/cgroup:/sys/fs/cgroup:ro -e "OTEL_EXPORTER_OTLP_ENDPOINT=http://$silo_ip:4317" \
    "localhost/otlpgrains-agent:$tag" --port "$port" --no-tls >/dev/null
deadline=$(( $(date +%s) + 60 ))
until podman logs otlpgrains-at-agent 2>&1 | grep -qi "captur"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "agent-test.sh: the agent did not start capturing in 60 s" >&2; podman logs otlpgrains-at-agent >&2; exit 1; }
    sleep 0.5
done
if podman logs otlpgrains-at-agent 2>&1 | grep -q "capture DISABLED"; then
    echo "agent-test.sh: the agent could not load BPF in its container:" >&2
    podman logs otlpgrains-at-agent >&2
    exit 1
fi

echo "== curl to python3 -m http.server $port on the host"
served="$(mktemp -d)"
echo hello > "$served/index.html"
(cd "$served" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server_pid=$!
deadline=$(( $(date +%s) + 60 ))
found=""
while [ "$(date +%s)" -lt "$deadline" ]; do
    curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$port/index.html" 2>/dev/null || true
    if curl -fsS -m 2 "http://$silo_ip:8080/api/v1/services" 2>/dev/null | grep -q '"http.server"'; then
        found=1
        break
    fi
    sleep 1
done
if [ -z "$found" ]; then
    echo "agent-test.sh: no service http.server reached the silo in 60 s; the agent's log:" >&2
    podman logs --tail 30 otlpgrains-at-agent >&2
    exit 1
fi
echo "== passed: the agent's span for the host's http.server reached the gateway"
curl -fsS -m 2 "http://$silo_ip:8080/api/v1/services" | head -c 600; echo
