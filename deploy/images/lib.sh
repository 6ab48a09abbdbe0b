# Shared by agent-test.sh, fault-test.sh and torch-test.sh, which source it after `set -euo pipefail`: the podman
# settings, the common options (--tag, --keep, --help), the image check, the test network and the readiness wait.
# Sets repo (the checkout), here (deploy/images), script (the caller's name), tag=dev and keep="".
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$repo/deploy/images"
script="$(basename "$0")"
export CONTAINERS_CONF="$here/containers.conf"
tag=dev
keep=""

# The caller's opening comment block (after the #! line), as --help prints it.
usage() { sed -n '2,/^[^#]/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

# Parses --tag TAG, --keep and --help, and --NAME VALUE for every NAME the caller lists in the array value_options
# (the value lands in the variable NAME, e.g. --duration 60 sets duration=60). Anything else is a usage error, exit 2.
parse_options() {
    local name
    while [ $# -gt 0 ]; do
        case "$1" in
            --keep) keep=1; shift; continue ;;
            -h|--help) usage; exit 0 ;;
        esac
        name="${1#--}"
        if [ "$1" = --tag ] || { [ "$name" != "$1" ] && [[ " ${value_options[*]:-} " == *" $name "* ]]; }; then
            [ $# -ge 2 ] && [ -n "$2" ] || { echo "$script: $1 needs a value" >&2; exit 2; }
            printf -v "$name" '%s' "$2"
            shift 2
        else
            echo "$script: unknown argument '$1' (see --help)" >&2
            exit 2
        fi
    done
}

# Exit 2 unless every named image exists as localhost/otlpgrains-NAME:$tag, with the build.sh line that makes them.
require_images() {
    local image
    for image in "$@"; do
        podman image exists "localhost/otlpgrains-$image:$tag" ||
            { echo "$script: no image localhost/otlpgrains-$image:$tag; run: bash deploy/images/build.sh $*" >&2; exit 2; }
    done
}

# remove_test_network NET CONTAINER...: the containers and the network, gone (a leftover of an earlier run too).
remove_test_network() {
    local net="$1"
    shift
    podman rm -f -t 0 "$@" >/dev/null 2>&1 || true
    podman network rm -f "$net" >/dev/null 2>&1 || true
}

# fresh_test_network NET PREFIX CONTAINER...: removes what an earlier run left, then makes NET on PREFIX.0/24.
fresh_test_network() {
    local net="$1" prefix="$2"
    shift 2
    remove_test_network "$net" "$@"
    podman network create --subnet "$prefix.0/24" "$net" >/dev/null
}

# wait_ready URL SECONDS CONTAINER: polls URL until it answers 2xx; after SECONDS, the container's last log lines and exit 1.
wait_ready() {
    local url="$1" limit="$2" container="$3"
    local deadline=$(( $(date +%s) + limit ))
    until curl -fsS -m 2 -o /dev/null "$url" 2>/dev/null; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "$script: $container is not ready on $url after ${limit} s; its last log lines:" >&2
            podman logs --tail 20 "$container" >&2 || true
            exit 1
        fi
        sleep 0.2
    done
}
