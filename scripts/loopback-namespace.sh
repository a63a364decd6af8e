#!/usr/bin/env bash
# Runs a command inside a new network namespace where nothing but loopback exists, so that no test packet can leave the
# machine. Janus gathers no ICE candidates on `lo`, so the namespace also gets a veth (fv0) holding 127.0.0.1/32 for it.
# Usage: scripts/loopback-namespace.sh COMMAND [ARGS...]   (needs root, or CAP_SYS_ADMIN, for unshare --net)
set -euo pipefail
if [ "${CALLSERVER_IN_NAMESPACE:-}" = "1" ]; then
  ip link set lo up
  ip link add fv0 type veth peer name fv1
  ip link set fv0 addrgenmode none
  ip link set fv1 addrgenmode none
  ip addr add 127.0.0.1/32 dev fv0
  ip link set fv0 up
  ip link set fv1 up
  exec "$@"
fi
CALLSERVER_IN_NAMESPACE=1 exec unshare --net -- "$0" "$@"
