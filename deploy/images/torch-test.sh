#!/usr/bin/env bash
# TorchSharp inside the silo image: a silo container (memory mode) gets 10 minutes of event time from the load tool,
# `OtlpGrains.Evaluate train --kind lstm-ae` trains an LSTM autoencoder on the host from the silo's windows and
# registers it, which makes the silo in the container load the weights into LibTorch (the codec checks every upload),
# then the version is promoted to production so the service grains score with it. Exit 0 when registration and
# promotion succeed; a silo whose LibTorch cannot load refuses the upload with the loader's one-line reason.
#
#   bash deploy/images/torch-test.sh [--tag TAG] [--keep]
#
# Needs the silo image (bash deploy/images/build.sh silo) and a Release build of the solution. About 2 minutes.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
export CONTAINERS_CONF="$repo/deploy/images/containers.conf"

tag=dev
keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --tag) tag="${2:?--tag needs a value}"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "torch-test.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
podman image exists "localhost/otlpgrains-silo:$tag" ||
    { echo "torch-test.sh: no image localhost/otlpgrains-silo:$tag; run: bash deploy/images/build.sh silo" >&2; exit 2; }

net=otlpgrains-tt
prefix=10.213.79
ip=$prefix.11
cleanup() {
    if [ -n "$keep" ]; then echo "kept: otlpgrains-tt-silo and network $net"; return; fi
    podman rm -f -t 0 otlpgrains-tt-silo >/dev/null 2>&1 || true
    podman network rm -f "$net" >/dev/null 2>&1 || true
}
trap cleanup EXIT
podman rm -f -t 0 otlpgrains-tt-silo >/dev/null 2>&1 || true
podman network rm -f "$net" >/dev/null 2>&1 || true
podman network create --subnet "$prefix.0/24" "$net" >/dev/null

echo "== silo (memory mode)"
podman run -d --name otlpgrains-tt-silo --network "$net" --ip "$ip" \
    -e OtlpGrains__Otlp__ListenAddress=0.0.0.0 -e OtlpGrains__Api__ListenAddress=0.0.0.0 \
    -e OtlpGrains__Security__AllowAnonymous=true \
    "localhost/otlpgrains-silo:$tag" >/dev/null
deadline=$(( $(date +%s) + 90 ))
until curl -fsS -m 2 -o /dev/null "http://$ip:8080/readyz" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "torch-test.sh: the silo is not ready after 90 s" >&2; podman logs --tail 20 otlpgrains-tt-silo >&2; exit 1; }
    sleep 0.5
done

echo "== load: 600 s of event time at 20x"
timeout 180 dotnet run --no-build -c Release --project "$repo/tools/OtlpGrains.LoadTool" -- \
    --endpoint "http://$ip:4317" --api "http://$ip:8080" --event-start 600 --speed 20 --duration 40 \
    --services 2 --rate 20 --streams 2 --spans-per-request 64 --settle 60 | tail -3

echo "== train lstm-ae on the host, register it in the silo (LibTorch loads it there)"
out="$(timeout 300 dotnet run --no-build -c Release --project "$repo/tools/OtlpGrains.Evaluate" -- train \
    --api "http://$ip:8080" --model red --kind lstm-ae --who torch-test --reason "LibTorch in the silo image" \
    --min-windows 20)"
echo "$out"
echo "$out" | grep -q '^registered red version' || { echo "torch-test.sh: the silo did not register the lstm-ae version" >&2; exit 1; }
version="$(echo "$out" | sed -n 's/^registered red version \([0-9]*\).*/\1/p')"

echo "== promote version $version to production"
curl -fsS -m 30 -H 'content-type: application/json' \
    -d '{"version":'"$version"',"stage":"production","who":"torch-test","reason":"LibTorch in the silo image"}' \
    "http://$ip:8080/api/v1/models/red/promote"
echo
if podman logs otlpgrains-tt-silo 2>&1 | grep -E "LibTorch did not initialise|native library did not load"; then
    echo "torch-test.sh: the silo logged a LibTorch failure" >&2
    exit 1
fi
echo "== passed: the silo in its container loaded lstm-ae weights into LibTorch"
