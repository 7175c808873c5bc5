#!/bin/sh
# Redis as the lock store (compose.yaml; deploy/k8s/overlays/in-cluster has a copy that
# tests/deploy/test_containers.py keeps identical): one short-lived lock per conversation,
# nothing worth keeping, so no persistence. The password (LOCK_STORE_PASSWORD, letters and
# digits) goes in through the configuration on standard input, never on a command line.
set -eu
: "${LOCK_STORE_PASSWORD:?set LOCK_STORE_PASSWORD}"
exec redis-server - <<CONF
port 6379
dir /data
save ""
appendonly no
requirepass $LOCK_STORE_PASSWORD
CONF
