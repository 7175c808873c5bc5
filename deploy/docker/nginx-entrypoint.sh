#!/bin/sh
# compose.yaml's nginx: runs the configuration that deploy/render_nginx.py rendered into
# the shared volume (the nginx-config service), as an unprivileged user, with its pid and
# temporary files under /tmp (a tmpfs) and its logs on the container's output.
set -eu
conf=${1:-/srv/nginx/nginx.conf}
mkdir -p /tmp/nginx/tmp
ln -sf /dev/stdout /tmp/nginx/access.log
ln -sf /dev/stderr /tmp/nginx/error.log
nginx -t -q -e stderr -c "$conf"
exec nginx -e stderr -c "$conf" -g 'daemon off;'
