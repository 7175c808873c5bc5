"""Renders deploy/nginx.conf.template into a runnable nginx.conf.

    python -m deploy.render_nginx --out var/prod/nginx/nginx.conf

Every setting comes from an argument or, failing that, an environment variable (this is
how deploy/services.sh calls it), else a default for one machine on loopback:

| setting | variable | default |
| --- | --- | --- |
| public listener | NGINX_LISTEN (or NGINX_PORT) | 127.0.0.1:8088 |
| origin browsers use for it | PUBLIC_ORIGIN | http://<NGINX_LISTEN> |
| Rasa replicas | RASA_UPSTREAMS (host:port,...) | 127.0.0.1:5005,127.0.0.1:5006 |
| action servers | ACTION_UPSTREAMS (host:port,...) | 127.0.0.1:5055 |
| internal action listener | ACTIONS_LISTEN (or ACTIONS_LB_PORT) | 127.0.0.1:5054 |
| webhook rate per client IP | NGINX_RATE, NGINX_BURST | 2r/s, burst 20 |
| largest request body | NGINX_MAX_BODY | 64k |
| state folder (pid, logs, temp) | NGINX_STATE_DIR | var/prod/nginx |
| worker processes | NGINX_WORKERS | 1 |
| load balancers in front (CIDRs) | NGINX_TRUSTED_PROXIES | none: clients connect directly |

The page's Content-Security-Policy allows the inline <style>/<script> blocks of
web/index.html by their SHA-256 hashes (computed here), nothing else inline.
Only the standard library is used, so any python3 can run it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import pwd
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from runtime.settings import ROOT

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"

HOST_PORT = re.compile(r"^(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]):\d{1,5}$")
RATE = re.compile(r"^\d+r/[sm]$")
SIZE = re.compile(r"^\d+[kKmM]?$")
CIDR = re.compile(r"^[0-9A-Fa-f.:]+(?:/\d{1,3})?$")
ORIGIN = re.compile(r"^https?://(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$")
INLINE = re.compile(r"<(style|script)(\s[^>]*)?>(.*?)</\1\s*>", re.S | re.I)


def _check(pattern: re.Pattern[str], value: str, what: str) -> str:
    if not pattern.match(value):
        raise ValueError(f"{what} {value!r} is not valid")
    return value


def host_ports(spec: str, what: str) -> list[str]:
    items = [item.strip() for item in spec.split(",") if item.strip()]
    if not items:
        raise ValueError(f"{what}: at least one host:port is needed")
    return [_check(HOST_PORT, item, what) for item in items]


def inline_hashes(html: str) -> dict[str, list[str]]:
    """CSP source expressions for the page's inline <style> and <script> blocks."""
    hashes: dict[str, list[str]] = {"style": [], "script": []}
    for tag, attributes, body in INLINE.findall(html):
        if tag.lower() == "script" and re.search(r"\bsrc\s*=", attributes or ""):
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes[tag.lower()].append(f"'sha256-{digest}'")
    return hashes


def content_security_policy(web_root: Path) -> str:
    index = web_root / "index.html"
    hashes = (
        inline_hashes(index.read_text(encoding="utf-8"))
        if index.exists()
        else {"style": [], "script": []}
    )
    return "; ".join(
        [
            "default-src 'none'",
            " ".join(["script-src 'self'", *hashes["script"]]),
            " ".join(["style-src 'self'", *hashes["style"]]),
            "img-src 'self' data:",
            # The widget talks only to the bot, which this nginx serves on the same origin.
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _user_directive() -> str:
    """Workers drop root privileges; without root nginx runs as the current user."""
    if os.geteuid() != 0:
        return "# (not started as root: workers run as the current user)"
    user = os.environ.get("NGINX_USER", "www-data")
    try:
        pwd.getpwnam(user)
    except KeyError:
        user = "nobody"
    return f"user {user};"


def real_ip(trusted_proxies: Sequence[str]) -> str:
    """Behind a load balancer, the patient's address comes from its X-Forwarded-For."""
    if not trusted_proxies:
        return (
            "    # Clients connect directly: $remote_addr is the patient"
            " (NGINX_TRUSTED_PROXIES unset)."
        )
    lines = [
        f"    set_real_ip_from {_check(CIDR, p, 'NGINX_TRUSTED_PROXIES')};"
        for p in trusted_proxies
    ]
    return "\n".join(
        [
            "    # Load balancers in front: take the client address they report.",
            *lines,
            "    real_ip_header X-Forwarded-For;",
            "    real_ip_recursive on;",
        ]
    )


def render(
    *,
    listen: str,
    rasa_upstreams: Sequence[str],
    action_upstreams: Sequence[str],
    actions_listen: str,
    state_dir: Path,
    public_origin: str | None = None,
    web_root: Path = ROOT / "web",
    rate: str = "2r/s",
    burst: int = 20,
    max_body: str = "64k",
    workers: str = "1",
    mime_types: str = "/etc/nginx/mime.types",
    trusted_proxies: Sequence[str] = (),
    template: Path = TEMPLATE,
) -> str:
    _check(HOST_PORT, listen, "NGINX_LISTEN")
    _check(HOST_PORT, actions_listen, "ACTIONS_LISTEN")
    rasa = [_check(HOST_PORT, u, "RASA_UPSTREAMS") for u in rasa_upstreams]
    actions = [_check(HOST_PORT, u, "ACTION_UPSTREAMS") for u in action_upstreams]
    origin = _check(ORIGIN, (public_origin or f"http://{listen}").rstrip("/"), "PUBLIC_ORIGIN")
    if not (workers == "auto" or workers.isdigit()):
        raise ValueError(f"NGINX_WORKERS {workers!r} is not valid")
    hsts = (
        "        add_header Strict-Transport-Security "
        '"max-age=31536000; includeSubDomains" always;'
        if origin.startswith("https://")
        else "        # (Strict-Transport-Security is added when PUBLIC_ORIGIN is https://)"
    )
    values = {
        "USER_DIRECTIVE": _user_directive(),
        "WORKER_PROCESSES": workers,
        "STATE_DIR": str(Path(state_dir).resolve()),
        "MIME_TYPES": mime_types,
        "RATE": _check(RATE, rate, "NGINX_RATE"),
        "BURST": str(int(burst)),
        "MAX_BODY": _check(SIZE, max_body, "NGINX_MAX_BODY"),
        "RASA_SERVERS": "\n".join(
            f"        server {u} max_fails=1 fail_timeout=10s;" for u in rasa
        ),
        "ACTION_SERVERS": "\n".join(
            f"        server {u} max_fails=1 fail_timeout=10s;" for u in actions
        ),
        "RASA_TRIES": str(len(rasa)),
        "ACTION_TRIES": str(len(actions)),
        "LISTEN": listen,
        "ACTIONS_LISTEN": actions_listen,
        "WEB_ROOT": str(Path(web_root).resolve()),
        "PUBLIC_ORIGIN": origin,
        "CSP": content_security_policy(Path(web_root)),
        "HSTS": hsts,
        "REAL_IP": real_ip(trusted_proxies),
    }
    text = template.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    left = sorted(set(re.findall(r"\{\{[A-Z_]+\}\}", text)))
    if left:
        raise ValueError(f"the template has placeholders nobody fills: {', '.join(left)}")
    return text


def from_environment(env: dict[str, str] = os.environ) -> dict[str, object]:  # type: ignore[assignment]
    listen = env.get("NGINX_LISTEN") or f"127.0.0.1:{env.get('NGINX_PORT', '8088')}"
    return dict(
        listen=listen,
        rasa_upstreams=host_ports(
            env.get("RASA_UPSTREAMS", "127.0.0.1:5005,127.0.0.1:5006"), "RASA_UPSTREAMS"
        ),
        action_upstreams=host_ports(
            env.get("ACTION_UPSTREAMS", "127.0.0.1:5055"), "ACTION_UPSTREAMS"
        ),
        actions_listen=env.get("ACTIONS_LISTEN")
        or f"127.0.0.1:{env.get('ACTIONS_LB_PORT', '5054')}",
        state_dir=Path(env.get("NGINX_STATE_DIR", str(ROOT / "var" / "prod" / "nginx"))),
        public_origin=env.get("PUBLIC_ORIGIN") or None,
        web_root=Path(env.get("WEB_ROOT", str(ROOT / "web"))),
        rate=env.get("NGINX_RATE", "2r/s"),
        burst=int(env.get("NGINX_BURST", "20")),
        max_body=env.get("NGINX_MAX_BODY", "64k"),
        workers=env.get("NGINX_WORKERS", "1"),
        trusted_proxies=[
            p.strip() for p in env.get("NGINX_TRUSTED_PROXIES", "").split(",") if p.strip()
        ],
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="where to write nginx.conf")
    args = parser.parse_args(argv)
    try:
        text = render(**from_environment())  # type: ignore[arg-type]
    except (ValueError, OSError) as error:
        print(f"render_nginx: {error}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
