"""Offline checks of the images, compose.yaml and the Kubernetes manifests (issue 16).

There is no Docker engine and no cluster here, so: hadolint lints deploy/docker/Dockerfile;
a small kustomize renderer (below; compared with `kubectl kustomize` where kubectl exists)
builds every overlay of deploy/k8s; kubernetes-validate checks each rendered object
against the Kubernetes API schemas, strictly; and the rules here check what schemas
cannot: the pods' security settings, the NetworkPolicies, that no secret value is written
anywhere, and that what reaches Rasa is the prod profile's configuration (endpoints.prod.yml,
credentials.yml, deploy/run_prod.py's REPLICA_DEFAULTS and variable names, the command line
of runtime/stack.py). Every rule has a test that shows it can fail.

hadolint and kubernetes-validate come from their own pinned venv, .venv-deploy, made by
scripts/deploy-checks.sh (PyPI only, well under two minutes).
"""

from __future__ import annotations

import copy
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from packaging.requirements import Requirement

from deploy import render_nginx
from deploy.docker import entrypoint
from deploy.run_prod import REPLICA_DEFAULTS, SECRET_NAMES, database_sslmode
from runtime import stack as stack_module
from runtime.settings import (
    ACTION_SERVER_MAX_REQUEST_BYTES,
    RASA_MAX_REQUEST_BYTES,
    ROOT,
    SECRET_VARIABLES,
    ServeSettings,
)
from runtime.stack import Stack

CHECKS = ROOT / "scripts" / "deploy-checks.sh"
DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "compose.yaml"
ENV_EXAMPLE = ROOT / ".env.example"
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("production", "in-cluster")
ENDPOINTS = ROOT / "endpoints.prod.yml"
CREDENTIALS = ROOT / "credentials.yml"
NAMESPACE = "citidrips-bot"
PART_OF = "app.kubernetes.io/name"
COMPONENT = "app.kubernetes.io/component"
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE_KEY|AUTH", re.I)


# ------------------------------------------------------------------ the tools' venv


@pytest.fixture(scope="session")
def deploy_tools() -> Path:
    """.venv-deploy's bin folder (scripts/deploy-checks.sh makes it on first use)."""
    result = subprocess.run(
        [str(CHECKS), "venv"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        pytest.fail(f"scripts/deploy-checks.sh venv failed:\n{result.stderr[-3000:]}")
    return Path(result.stdout.strip().splitlines()[-1])


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHECKS), *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


# ------------------------------------------------------------------ a small kustomize

# What the kustomizations may use: exactly what this renderer implements. A kustomization
# that uses anything else fails here instead of being rendered wrongly.
KUSTOMIZATION_KEYS = {"apiVersion", "kind", "namespace", "resources", "configMapGenerator"}
KUSTOMIZATION_KEYS |= {"patches", "images"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume"}
CLUSTER_SCOPED |= {"StorageClass", "IngressClass", "PriorityClass", "CustomResourceDefinition"}
GENERATED = "__generated_config_map__"


class KustomizeError(Exception):
    pass


def kustomize(directory: Path) -> list[dict]:
    """`kustomize build directory` for resources, configMapGenerator (files, literals,
    behavior create/merge/replace, kustomize's name hash), namespace, JSON 6902 patches and
    images."""
    objects = _build(directory.resolve())
    renamed: dict[tuple[str | None, str], str] = {}
    for obj in objects:
        original = obj.pop(GENERATED, None)
        if original is not None:
            obj["metadata"]["name"] = f"{original}-{config_map_hash(obj['data'])}"
            renamed[(obj["metadata"].get("namespace"), original)] = obj["metadata"]["name"]
    for obj in objects:
        namespace = obj["metadata"].get("namespace")
        for spec in pod_specs(obj):
            for ref in config_map_refs(spec):
                ref["name"] = renamed.get((namespace, ref["name"]), ref["name"])
    return objects


def _inside(root: Path, path: Path) -> Path:
    # kustomize's load restrictor: files (not bases) only from the kustomization's folder.
    resolved = path.resolve()
    if root != resolved and root not in resolved.parents:
        raise KustomizeError(f"{path} is outside {root}: kustomize refuses to load it")
    return resolved


def _build(directory: Path) -> list[dict]:
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(kustomization) - KUSTOMIZATION_KEYS
    if unknown:
        raise KustomizeError(f"{directory}: unsupported kustomization fields {sorted(unknown)}")
    objects: list[dict] = []
    for entry in kustomization.get("resources", []):
        target = directory / entry
        if target.is_dir():
            objects += _build(target.resolve())
        else:
            text = _inside(directory, target).read_text()
            objects += [doc for doc in yaml.safe_load_all(text) if doc]
    for generator in kustomization.get("configMapGenerator", []):
        _generate(directory, generator, objects)
    namespace = kustomization.get("namespace")
    if namespace:
        for obj in objects:
            if obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"]["namespace"] = namespace
    for patch in kustomization.get("patches", []):
        _patch(directory, patch, objects)
    for image in kustomization.get("images", []):
        _set_image(image, objects)
    return objects


def _generate(directory: Path, generator: dict, objects: list[dict]) -> None:
    unknown = set(generator) - {"name", "behavior", "files", "literals"}
    if unknown:
        raise KustomizeError(f"unsupported configMapGenerator fields {sorted(unknown)}")
    data: dict[str, str] = {}
    for entry in generator.get("files", []):
        key, _, path = entry.rpartition("=")
        data[key or Path(path).name] = _inside(directory, directory / path).read_text()
    for literal in generator.get("literals", []):
        key, sep, value = literal.partition("=")
        if not sep or (value[:1] in "\"'" and value[:1] and value[-1:] == value[:1]):
            raise KustomizeError(f"literal {literal!r}: use KEY=value, unquoted")
        data[key] = value
    name = generator["name"]
    existing = [obj for obj in objects if obj.get(GENERATED) == name]
    behavior = generator.get("behavior", "create")
    if behavior == "create" and not existing:
        objects.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": name},
                "data": data,
                GENERATED: name,
            }
        )
    elif behavior == "merge" and len(existing) == 1:
        existing[0]["data"].update(data)
    elif behavior == "replace" and len(existing) == 1:
        existing[0]["data"] = data
    else:
        raise KustomizeError(f"configMapGenerator {name}: {behavior} with {len(existing)} found")


def config_map_hash(data: dict[str, str]) -> str:
    """kustomize's suffix: sha256 of the ConfigMap (kind and data; kustomize 5 hashes it
    with an empty name) as Go's json.Marshal writes it, the first 10 hex digits with
    0, 1, 3, a, e swapped for letters (api/hasher)."""
    encoded = json.dumps(
        {"data": data, "kind": "ConfigMap", "name": ""},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    for char in "<>&\u2028\u2029":
        encoded = encoded.replace(char, f"\\u{ord(char):04x}")
    digest = hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


def _patch(directory: Path, patch: dict, objects: list[dict]) -> None:
    if set(patch) - {"target", "patch", "path"} or set(patch["target"]) - {"kind", "name"}:
        raise KustomizeError(f"unsupported patch fields in {patch}")
    operations = yaml.safe_load(
        patch["patch"] if "patch" in patch else _inside(directory, directory / patch["path"])
    )
    if not isinstance(operations, list):
        raise KustomizeError("only JSON 6902 patches (a list of operations) are supported")
    target = patch["target"]
    matches = [
        obj
        for obj in objects
        if obj["kind"] == target["kind"] and obj["metadata"]["name"] == target["name"]
    ]
    if not matches:
        raise KustomizeError(f"patch target {target} not found")
    for obj in matches:
        for operation in operations:
            json_patch(obj, operation)


def json_patch(document: dict, operation: dict) -> None:
    """One RFC 6902 operation: add, replace or remove."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in operation["path"].split("/")[1:]]
    parent = document
    try:
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        last = parts[-1]
        op = operation["op"]
        value = copy.deepcopy(operation.get("value"))
        if isinstance(parent, list):
            index = len(parent) if last == "-" else int(last)
            if op == "add":
                parent.insert(index, value)
            elif op == "replace":
                parent[index] = value
            elif op == "remove":
                del parent[index]
            else:
                raise KustomizeError(f"unsupported operation {op}")
        elif op == "add" or (op == "replace" and last in parent):
            parent[last] = value
        elif op == "remove" and last in parent:
            del parent[last]
        else:
            raise KustomizeError(f"cannot {op} {operation['path']}")
    except (KeyError, IndexError, ValueError, TypeError) as error:
        raise KustomizeError(f"{operation}: {error}") from None


def _set_image(image: dict, objects: list[dict]) -> None:
    if set(image) - {"name", "newName", "newTag"}:
        raise KustomizeError(f"unsupported images fields in {image}")
    for obj in objects:
        for spec in pod_specs(obj):
            for container in containers(spec):
                name, _, tag = container["image"].rpartition(":")
                if "/" in tag or not name:  # a registry port, not a tag
                    name, tag = container["image"], ""
                if name == image["name"]:
                    tag = image.get("newTag", tag)
                    name = image.get("newName", name)
                    container["image"] = f"{name}:{tag}" if tag else name


def pod_specs(obj: dict) -> Iterator[dict]:
    kind, spec = obj.get("kind"), obj.get("spec") or {}
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        yield spec["template"]["spec"]
    elif kind == "CronJob":
        yield spec["jobTemplate"]["spec"]["template"]["spec"]
    elif kind == "Pod":
        yield spec


def containers(spec: dict) -> list[dict]:
    return [*spec.get("initContainers", []), *spec.get("containers", [])]


def config_map_refs(spec: dict) -> Iterator[dict]:
    for volume in spec.get("volumes", []):
        if "configMap" in volume:
            yield volume["configMap"]
        for source in (volume.get("projected") or {}).get("sources", []):
            if "configMap" in source:
                yield source["configMap"]
    for container in containers(spec):
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                yield source["configMapRef"]
        for variable in container.get("env", []):
            ref = (variable.get("valueFrom") or {}).get("configMapKeyRef")
            if ref:
                yield ref


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict]]:
    return {overlay: kustomize(K8S / "overlays" / overlay) for overlay in OVERLAYS}


def find(objects: list[dict], kind: str, name: str) -> dict:
    matches = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
    return matches[0]


def generated(objects: list[dict], name: str) -> dict:
    matches = [
        o
        for o in objects
        if o["kind"] == "ConfigMap"
        and re.fullmatch(rf"{name}-[a-z0-9]{{10}}", o["metadata"]["name"])
    ]
    assert len(matches) == 1, f"expected one generated ConfigMap {name}"
    return matches[0]


def workloads(objects: list[dict]) -> list[dict]:
    return [o for o in objects if any(True for _ in pod_specs(o))]


def component(objects: list[dict], name: str) -> dict:
    matches = [o for o in workloads(objects) if pod_template_labels(o).get(COMPONENT) == name]
    assert len(matches) == 1, f"expected one workload of component {name}"
    return matches[0]


def pod_template_labels(obj: dict) -> dict:
    spec = obj["spec"]
    template = (
        spec["jobTemplate"]["spec"]["template"] if obj["kind"] == "CronJob" else spec["template"]
    )
    return template["metadata"].get("labels", {})


# ------------------------------------------------------------------ the renderer itself


def test_the_renderer_implements_kustomize_s_name_hash():
    # Values from kustomize's own tests (api/hasher/hasher_test.go).
    assert config_map_hash({}) == "42745tchd9"
    assert config_map_hash({"one": ""}) == "9g67k2htb6"
    assert config_map_hash({"two": "2", "one": "", "three": "3"}) == "f5h7t85m9b"


def test_the_renderer_refuses_what_it_does_not_implement(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources: []\ncommonLabels: {a: b}\n")
    with pytest.raises(KustomizeError, match="commonLabels"):
        kustomize(tmp_path)
    (tmp_path / "kustomization.yaml").write_text(
        "configMapGenerator:\n- name: x\n  files: [../secrets.env]\n"
    )
    with pytest.raises(KustomizeError, match="outside"):
        kustomize(tmp_path)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (with kustomize) not here")
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_renderer_gives_what_kubectl_kustomize_gives(overlay, rendered):
    result = subprocess.run(
        ["kubectl", "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr

    def keyed(objects: list[dict]) -> dict:
        return {
            (o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in objects
        }

    theirs = keyed([doc for doc in yaml.safe_load_all(result.stdout) if doc])
    ours = keyed(rendered[overlay])
    assert sorted(ours, key=str) == sorted(theirs, key=str)
    for key, obj in ours.items():
        assert obj == theirs[key], key


# ------------------------------------------------------------------ hadolint


def test_hadolint_finds_nothing_in_the_dockerfile(deploy_tools):
    result = run_check("hadolint", str(DOCKERFILE))
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_fails_on_a_bad_dockerfile(deploy_tools, tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN pip install requests\n")
    result = run_check("hadolint", str(bad))
    assert result.returncode != 0
    assert "DL3006" in result.stdout and "DL3013" in result.stdout


def test_every_waived_hadolint_rule_says_why():
    for line in DOCKERFILE.read_text().splitlines():
        if "hadolint ignore=" in line:
            reason = line.split("hadolint ignore=", 1)[1].split(None, 1)[1:]
            assert reason and len(reason[0]) > 10, f"no reason given: {line}"


# ------------------------------------------------------------------ the Dockerfile


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def stages(text: str) -> dict[str, list[tuple[str, str]]]:
    result: dict[str, list[tuple[str, str]]] = {}
    current = None
    for keyword, rest in dockerfile_instructions(text):
        if keyword == "FROM":
            current = rest.split()[-1]
            result[current] = [(keyword, rest)]
        elif current is not None:
            result[current].append((keyword, rest))
    return result


def image_problems(text: str) -> list[str]:
    """The rules hadolint does not know: the images' own contract."""
    problems = []
    all_stages = stages(text)
    for target, port, path in (("rasa", 5005, "/webhooks/rest/"), ("actions", 5055, "/health")):
        if target not in all_stages:
            problems.append(f"no target {target}")
            continue
        instructions = all_stages[target]
        users = [rest for keyword, rest in instructions if keyword == "USER"]
        if not users or not re.fullmatch(r"[1-9]\d*(:[1-9]\d*)?", users[-1]):
            problems.append(f"{target}: the last USER must be a numeric non-root uid")
        checks = [rest for keyword, rest in instructions if keyword == "HEALTHCHECK"]
        if not checks or f"127.0.0.1:{port}{path}" not in checks[-1]:
            problems.append(f"{target}: no HEALTHCHECK on {port}{path}")
        if any(keyword == "RUN" and re.search(r"\bapt-get\b", r) for keyword, r in instructions):
            problems.append(f"{target}: installs packages in the final stage")
    for keyword, rest in dockerfile_instructions(text):
        if keyword == "FROM":
            image = rest.split()[0]
            if image.split(":")[0] in all_stages:
                continue
            if ":" not in image or image.endswith(":latest"):
                problems.append(f"base image {image} is not pinned by tag")
        if keyword in ("ARG", "ENV") and SECRET_NAME.search(rest.split("=")[0]):
            problems.append(f"{keyword} {rest}: secrets never go into an image")
        if keyword == "RUN" and "pip install" in rest:
            for command in rest.split("&&"):
                if "pip install" in command and "--no-cache-dir" not in command:
                    problems.append(f"pip install without --no-cache-dir: {command.strip()}")
    env = " ".join(rest for keyword, rest in dockerfile_instructions(text) if keyword == "ENV")
    if "PIP_NO_CACHE_DIR=1" not in env:
        problems.append("PIP_NO_CACHE_DIR=1 is not set")
    return problems


def test_the_images_keep_their_contract():
    assert image_problems(DOCKERFILE.read_text()) == []


def test_the_image_rules_can_fail():
    text = DOCKERFILE.read_text()
    assert any(
        "numeric" in p for p in image_problems(text.replace("USER 10001:10001", "USER bot"))
    )
    assert any("HEALTHCHECK" in p for p in image_problems(text.replace("/health'", "/x'")))
    assert any(
        "pinned" in p
        for p in image_problems(text.replace("python:3.10.16-slim-bookworm", "python"))
    )
    assert any("secrets" in p for p in image_problems(text + "\nARG TRACKER_DB_PASSWORD=x\n"))
    assert any("no-cache-dir" in p for p in image_problems(text.replace("--no-cache-dir", "")))


def test_the_model_is_trained_as_make_trains_it():
    text = DOCKERFILE.read_text()
    makefile = (ROOT / "Makefile").read_text()
    train = re.search(r"\$\(RASA\) train ([^\n]+)", makefile).group(1).strip()
    assert f"rasa train {train}" in text
    assert "python -m nlp.build_pipeline" in text
    pip = re.search(r'pip install --quiet --upgrade "(pip==[\d.]+)"', makefile).group(1)
    assert f'"{pip}"' in text
    assert "--no-deps -r" in text and "pip check" in text
    assert "image is then the unit of rollout" in text


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_images_leave_out_exactly_the_development_tools():
    """DEV_ONLY (the lock's packages the images skip) is what requirements.in adds for
    tests, lint and benchmarks and no product package depends on."""
    installed = {_normalise(d.metadata["Name"]): d for d in importlib.metadata.distributions()}

    def closure(roots: list[tuple[str, set[str]]]) -> set[str]:
        seen: set[tuple[str, frozenset[str]]] = set()
        todo = list(roots)
        while todo:
            name, extras = todo.pop()
            name = _normalise(name)
            if (name, frozenset(extras)) in seen or name not in installed:
                continue
            seen.add((name, frozenset(extras)))
            for line in installed[name].requires or []:
                req = Requirement(line)
                if req.marker is None or any(
                    req.marker.evaluate({"extra": extra}) for extra in extras | {""}
                ):
                    todo.append((req.name, set(req.extras)))
        return {name for name, _ in seen}

    wanted = [
        line.split("#")[0].strip() for line in (ROOT / "requirements.in").read_text().splitlines()
    ]
    product = {"rasa", "rasa-sdk", "spacy-lookups-data", "requests"}
    roots = [(Requirement(r).name, set(Requirement(r).extras)) for r in wanted if r]
    lock = {
        _normalise(line.split("==")[0])
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line
    }
    needed = closure([r for r in roots if _normalise(r[0]) in product])
    needed |= {"setuptools", "wheel"}
    dev_only = sorted(lock - needed)
    declared = re.search(r'ARG DEV_ONLY="([^"]+)"', DOCKERFILE.read_text()).group(1).split("|")
    assert declared == dev_only


def dockerignore_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as Docker reads it: `*` and `?` stay within one path
    element, `**` spans any number of them."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            out.append({"*": "[^/]*", "?": "[^/]"}.get(pattern[i], re.escape(pattern[i])))
            i += 1
    return re.compile("".join(out))


def dockerignored(path: str) -> bool:
    """Whether .dockerignore keeps `path` (relative to the root) out of the build context:
    a pattern that matches the path or one of its parent folders."""
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert not any(p.startswith("!") for p in patterns), "exceptions are not handled here"
    parts = Path(path).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        dockerignore_regex(pattern.strip("/")).fullmatch(prefix)
        for pattern in patterns
        for prefix in prefixes
    )


def test_the_build_context_has_what_the_images_copy_and_nothing_secret():
    text = DOCKERFILE.read_text()
    built = {"build/spacy_pipeline", "models/mesotherapy.tar.gz"}  # made by the build stage
    copied = re.findall(r"/app/([\w./-]+)", text)
    assert copied
    for path in copied:
        if path in built:
            continue
        assert (ROOT / path).exists(), path
        assert not dockerignored(path), f"{path} is copied but .dockerignore leaves it out"
    for needed in ("requirements.lock", "config.yml", "domain.yml", "data/nlu.yml"):
        assert not dockerignored(needed), needed
    for never in (".env", ".venv/bin/python", ".git/config", "var/tracker.db", "models/x.tar.gz"):
        assert dockerignored(never), f"{never} would enter the build context"
    for never in ("build/spacy_pipeline/meta.json", "reports/benchmark.md", "tests/conftest.py"):
        assert dockerignored(never), never
    # The entrypoint's package is in the image, and the images start through it.
    assert 'ENTRYPOINT ["python", "-m", "deploy.docker.entrypoint"]' in text
    assert "COPY --from=build /app/deploy ./deploy" in text


def project_module(name: str) -> Path | None:
    """The file of a project module, for an imported name (module or module.attribute)."""
    parts = name.split(".")
    while parts:
        base = ROOT.joinpath(*parts)
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file() and ".venv" not in candidate.parts:
                return candidate
        parts.pop()
    return None


def uncopied_modules(dockerfile: str) -> set[str]:
    """The project modules that what the containers run (the entrypoint, Rasa with
    config.yml's components and credentials.yml's channel, the action server, the purge,
    the nginx renderer) imports but the final stages do not copy."""
    import ast

    copied = set(re.findall(r"COPY --from=build /app/(\w+) \./\1\n", dockerfile))
    entries = ["deploy.docker.entrypoint", "runtime.rasa_server", "scripts.privacy"]
    entries += ["deploy.render_nginx", "runtime.rasa_compat"]
    entries += [f"actions.{path.stem}" for path in (ROOT / "actions").glob("*.py")]
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    entries += [c["name"] for c in config["pipeline"] + config["policies"] if "." in c["name"]]
    entries += list(yaml.safe_load(CREDENTIALS.read_text()))
    seen: set[Path] = set()
    todo = [module for module in map(project_module, entries) if module]
    assert len(todo) == len(entries), "an entry point is not a project module"
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text())):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            todo += [m for m in map(project_module, names) if m and m not in seen]
    return {str(p.relative_to(ROOT)) for p in seen if p.relative_to(ROOT).parts[0] not in copied}


def test_the_images_hold_every_module_their_processes_import():
    assert uncopied_modules(DOCKERFILE.read_text()) == set(), "add them to the COPY lines"
    without_nlp = DOCKERFILE.read_text().replace("COPY --from=build /app/nlp ./nlp\n", "")
    assert "nlp/red_flag_guard.py" in uncopied_modules(without_nlp)


# ------------------------------------------------------------------ the entrypoint


@pytest.fixture
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("RASA_", "WEB_ORIGINS", "TRACKER_", "LOCK_STORE", "SANIC_", "BOT_")):
            monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_rasa_container_runs_the_command_of_the_prod_profile(clean_env, tmp_path):
    """Stack.start_rasa (make run, make run-prod) and the container build the same
    command line, except the interface (0.0.0.0 in a container) and the interpreter."""
    captured: dict = {}
    clean_env.setattr(
        Stack, "_spawn", lambda self, name, args, env=None: captured.update(args=args, env=env)
    )
    clean_env.setattr(stack_module, "wait_for", lambda *args, **kwargs: None)
    env = {
        "WEB_ORIGINS": "https://www.clinic.example,https://bot.clinic.example",
        "RASA_ENDPOINTS": "endpoints.prod.yml",
        "RASA_CREDENTIALS": "credentials.yml",
    }
    Stack(
        rasa_port=5005, tracker_db=tmp_path / "t.db", log_dir=tmp_path, extra_env=env
    ).start_rasa()
    ours = entrypoint.rasa_command({**env, "TRACKER_DB_HOST": "db.clinic.example"})
    theirs = captured["args"]
    interface = theirs.index("--interface") + 1
    assert ours[interface] == "0.0.0.0"
    assert (
        ours[1:interface] + ours[interface + 1 :] == theirs[1:interface] + theirs[interface + 1 :]
    )
    assert ours[ours.index("--model") + 1] == str(ROOT / "models" / "mesotherapy.tar.gz")
    child = entrypoint.rasa_env({**env, "TRACKER_DB_HOST": "db.clinic.example"})
    assert child["SANIC_REQUEST_MAX_SIZE"] == captured["env"]["SANIC_REQUEST_MAX_SIZE"]
    assert child["SANIC_REQUEST_MAX_SIZE"] == str(RASA_MAX_REQUEST_BYTES)
    for name, value in REPLICA_DEFAULTS.items():
        assert child[name] == value


def test_the_action_container_runs_the_command_of_the_prod_profile(clean_env, tmp_path):
    captured: dict = {}
    clean_env.setattr(
        Stack, "_spawn", lambda self, name, args, env=None: captured.update(args=args, env=env)
    )
    clean_env.setattr(stack_module, "wait_for", lambda *args, **kwargs: None)
    Stack(action_port=5055, log_dir=tmp_path).start_action_server()
    env = {"ACTION_SERVER_PORT": "5055", "TRACKER_DB_PASSWORD": "x", "LOCK_STORE_PASSWORD": "y"}
    assert entrypoint.actions_command(env)[1:] == captured["args"][1:]
    child = entrypoint.actions_env(env)
    assert child["SANIC_HOST"] == "0.0.0.0"
    assert child["SANIC_REQUEST_MAX_SIZE"] == str(ACTION_SERVER_MAX_REQUEST_BYTES)
    assert not set(SECRET_VARIABLES) & set(child)


def test_the_containers_refuse_what_the_prod_profile_refuses(clean_env):
    with pytest.raises(ValueError, match="WEB_ORIGINS"):
        entrypoint.rasa_command({"WEB_ORIGINS": "*"})
    with pytest.raises(SystemExit, match="verify-full"):
        entrypoint.rasa_env({"TRACKER_DB_HOST": "db.example", "TRACKER_DB_SSLMODE": "require"})
    assert entrypoint.rasa_env({"TRACKER_DB_HOST": "db.example"})["TRACKER_DB_SSLMODE"] == (
        "verify-full"
    )
    # compose.yaml only: the database container is on the same host.
    single = {"TRACKER_DB_HOST": "postgres", entrypoint.SINGLE_HOST: "1"}
    assert entrypoint.rasa_env(single)["TRACKER_DB_SSLMODE"] == "prefer"


def test_the_servers_do_not_start_while_clinic_yml_has_placeholders(clean_env):
    started: list = []
    clean_env.setattr(os, "execve", lambda *args: started.append(args))
    clean_env.setattr(os, "chdir", lambda path: None)
    clean_env.setenv("WEB_ORIGINS", "https://www.clinic.example")
    clean_env.setenv("TRACKER_DB_HOST", "db.clinic.example")
    placeholders = SimpleNamespace(placeholders=lambda: ["phone", "address"])
    clean_env.setattr(entrypoint, "load_clinic", lambda: placeholders)
    for role in ("rasa", "actions"):
        with pytest.raises(SystemExit, match="clinic.yml still has placeholders"):
            entrypoint.main([role])
    assert started == []
    filled = SimpleNamespace(placeholders=lambda: [])
    clean_env.setattr(entrypoint, "load_clinic", lambda: filled)
    entrypoint.main(["rasa"])
    entrypoint.main(["actions"])
    entrypoint.main(["purge"])  # the purge does not need the clinic's details
    (rasa_path, rasa_args, rasa_env), actions, purge = started
    assert rasa_args[1:4] == ["-m", "runtime.rasa_server", "run"]
    assert rasa_env["TRACKER_DB_SSLMODE"] == "verify-full"
    assert actions[1][1:3] == ["-m", "rasa_sdk"] and actions[2]["SANIC_HOST"] == "0.0.0.0"
    assert purge[1][1:] == ["-m", "scripts.privacy", "purge"]
    assert entrypoint.main(["shell"]) == 2  # nothing else runs through it


# ------------------------------------------------------------------ kubernetes-validate


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_manifest_is_valid_kubernetes(deploy_tools, rendered, overlay, tmp_path):
    path = tmp_path / f"{overlay}.yaml"
    path.write_text(yaml.safe_dump_all(rendered[overlay], sort_keys=False))
    result = run_check("validate", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_kubernetes_validate_rejects_an_unknown_field(deploy_tools, rendered, tmp_path):
    deployment = copy.deepcopy(find(rendered["production"], "Deployment", "rasa"))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(deployment))
    result = run_check("validate", str(path))
    assert result.returncode != 0
    assert "readinesProbe" in result.stdout + result.stderr


# ------------------------------------------------------------------ security rules


def pod_problems(obj: dict) -> list[str]:
    """What every pod of the assistant must be: non-root, read-only root filesystem, no
    privilege escalation, no capabilities, RuntimeDefault seccomp, requests and limits,
    probes on long-running workloads, no service account token, no host namespaces."""
    name = f"{obj['kind']}/{obj['metadata']['name']}"
    problems = []
    for spec in pod_specs(obj):
        pod = spec.get("securityContext") or {}
        for flag in ("hostNetwork", "hostPID", "hostIPC"):
            if spec.get(flag):
                problems.append(f"{name}: {flag}")
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{name}: mounts a service account token")
        if spec.get("enableServiceLinks") is not False:
            problems.append(f"{name}: service links (RASA_PORT=tcp://...) in the environment")
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for volume in volumes.values():
            if "hostPath" in volume:
                problems.append(f"{name}: hostPath volume {volume['name']}")
        for container in containers(spec):
            where = f"{name}/{container['name']}"
            sc = container.get("securityContext") or {}

            def setting(key: str, sc: dict = sc, pod: dict = pod) -> object:
                return sc.get(key, pod.get(key))

            if setting("runAsNonRoot") is not True:
                problems.append(f"{where}: runAsNonRoot is not true")
            if not isinstance(setting("runAsUser"), int) or setting("runAsUser") == 0:
                problems.append(f"{where}: no numeric non-root runAsUser")
            if sc.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: readOnlyRootFilesystem is not true")
            if sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation is not false")
            if sc.get("privileged"):
                problems.append(f"{where}: privileged")
            capabilities = sc.get("capabilities") or {}
            if "ALL" not in capabilities.get("drop", []) or capabilities.get("add"):
                problems.append(f"{where}: capabilities are not drop ALL")
            if (setting("seccompProfile") or {}).get("type") != "RuntimeDefault":
                problems.append(f"{where}: seccompProfile is not RuntimeDefault")
            resources = container.get("resources") or {}
            for kind in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    if resource not in (resources.get(kind) or {}):
                        problems.append(f"{where}: no {resource} {kind}")
            if obj["kind"] in ("Deployment", "StatefulSet"):
                for probe in ("readinessProbe", "livenessProbe"):
                    if probe not in container:
                        problems.append(f"{where}: no {probe}")
            image = container.get("image", "")
            if ":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest"):
                problems.append(f"{where}: image {image} has no pinned tag")
            for mount in container.get("volumeMounts", []):
                volume = volumes.get(mount["name"], {})
                if not mount.get("readOnly") and not (
                    "emptyDir" in volume or mount["name"] in claim_names(obj)
                ):
                    problems.append(f"{where}: {mount['mountPath']} is writable and not scratch")
    return problems


def claim_names(obj: dict) -> set[str]:
    templates = (obj.get("spec") or {}).get("volumeClaimTemplates", [])
    return {t["metadata"]["name"] for t in templates}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_is_locked_down(rendered, overlay):
    found = workloads(rendered[overlay])
    assert {pod_template_labels(o).get(COMPONENT) for o in found} >= {
        "rasa",
        "actions",
        "retention",
    }
    problems = [p for obj in found for p in pod_problems(obj)]
    assert problems == []


@pytest.mark.parametrize(
    "path, value, expected",
    [
        ("/spec/template/spec/containers/0/securityContext/runAsNonRoot", False, "runAsNonRoot"),
        ("/spec/template/spec/securityContext/runAsUser", 0, "runAsUser"),
        (
            "/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem",
            False,
            "readOnlyRootFilesystem",
        ),
        (
            "/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation",
            True,
            "allowPrivilegeEscalation",
        ),
        ("/spec/template/spec/containers/0/securityContext/capabilities/drop", [], "drop ALL"),
        ("/spec/template/spec/securityContext/seccompProfile/type", "Unconfined", "seccomp"),
        ("/spec/template/spec/containers/0/resources/limits", {}, "limits"),
        ("/spec/template/spec/containers/0/resources/requests", {"cpu": "1"}, "memory requests"),
        ("/spec/template/spec/automountServiceAccountToken", True, "token"),
        ("/spec/template/spec/enableServiceLinks", True, "service links"),
        ("/spec/template/spec/hostNetwork", True, "hostNetwork"),
        (
            "/spec/template/spec/volumes/0",
            {"name": "host", "hostPath": {"path": "/"}},
            "hostPath",
        ),
        ("/spec/template/spec/containers/0/image", "citidrips/rasa:latest", "pinned"),
        ("/spec/template/spec/containers/0/volumeMounts/0/readOnly", False, "writable"),
    ],
)
def test_the_pod_rules_reject_a_weakened_pod(rendered, path, value, expected):
    deployment = copy.deepcopy(find(rendered["production"], "Deployment", "rasa"))
    assert pod_problems(deployment) == []
    json_patch(deployment, {"op": "add", "path": path, "value": value})
    assert any(expected in p for p in pod_problems(deployment)), pod_problems(deployment)


def test_the_pod_rules_want_probes_on_deployments(rendered):
    deployment = copy.deepcopy(find(rendered["production"], "Deployment", "actions"))
    json_patch(
        deployment, {"op": "remove", "path": "/spec/template/spec/containers/0/livenessProbe"}
    )
    assert any("livenessProbe" in p for p in pod_problems(deployment))


def selects(selector: dict, labels: dict) -> bool:
    match = selector.get("matchLabels") or {}
    if selector.get("matchExpressions"):
        raise AssertionError("matchExpressions are not evaluated here")
    return all(labels.get(k) == v for k, v in match.items())


def allowed_peers(objects: list[dict], direction: str, labels: dict, port: int) -> set[str]:
    """Which components NetworkPolicies let in to (Ingress) or out of (Egress) pods with
    these labels on this port. "*" means anyone; None when no policy isolates the pods."""
    policies = [
        p
        for p in objects
        if p["kind"] == "NetworkPolicy"
        and direction in p["spec"].get("policyTypes", [])
        and selects(p["spec"]["podSelector"], labels)
    ]
    if not policies:
        return {"*"}
    allowed: set[str] = set()
    for policy in policies:
        for rule in policy["spec"].get(direction.lower(), []):
            ports = rule.get("ports")
            if ports and not any(p.get("port") == port for p in ports):
                continue
            peers = rule.get("from" if direction == "Ingress" else "to")
            if not peers:
                allowed.add("*")
            for peer in peers or []:
                if set(peer) == {"podSelector"}:
                    allowed.add(peer["podSelector"].get("matchLabels", {}).get(COMPONENT, "*"))
                elif "ipBlock" in peer:
                    allowed.add(f"ip:{peer['ipBlock']['cidr']}")
                else:
                    allowed.add(f"namespace:{json.dumps(peer, sort_keys=True)}")
    return allowed


def smtp_port() -> int:
    """The port of clinic.yml's SMTP server (its host is a placeholder until the clinic
    fills it in, so the mail settings are read without the placeholder check)."""
    return int(yaml.safe_load((ROOT / "clinic.yml").read_text())["callback_mail"]["port"])


def network_problems(objects: list[dict], external_stores: bool) -> list[str]:
    problems = []

    def labels(name: str) -> dict:
        return {PART_OF: "citidrips-bot", COMPONENT: name}

    deny = [
        p
        for p in objects
        if p["kind"] == "NetworkPolicy"
        and p["spec"]["podSelector"] == {}
        and p["spec"].get("policyTypes") == ["Ingress"]
        and not p["spec"].get("ingress")
    ]
    if not deny:
        problems.append("no default deny of ingress")
    if allowed_peers(objects, "Ingress", labels("actions"), 5055) != {"rasa"}:
        problems.append("the action servers are reachable from more than the Rasa pods")
    if allowed_peers(objects, "Egress", labels("actions"), 443) != set():
        problems.append("the action servers may call out")
    if external_stores:
        for who, port, expected in (
            ("rasa", 5432, True),
            ("retention", 5432, True),
            ("actions", 5432, False),
            ("rasa", 6379, True),
            ("retention", 6379, False),
            ("actions", 6379, False),
            # Callback requests are e-mailed by the retention process alone.
            ("retention", smtp_port(), True),
            ("rasa", smtp_port(), False),
            ("actions", smtp_port(), False),
        ):
            peers = allowed_peers(objects, "Egress", labels(who), port)
            if "*" in peers or bool(peers) != expected:
                problems.append(f"{who} egress to {port}: {sorted(peers)}")
    else:
        if allowed_peers(objects, "Ingress", labels("postgres"), 5432) != {"rasa", "retention"}:
            problems.append("PostgreSQL is reachable from more than Rasa and the retention job")
        if allowed_peers(objects, "Ingress", labels("redis"), 6379) != {"rasa"}:
            problems.append("Redis is reachable from more than the Rasa pods")
    return problems


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_rasa_reaches_the_action_server_and_the_stores(rendered, overlay):
    assert network_problems(rendered[overlay], external_stores=overlay == "production") == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_network_rules_can_fail(rendered, overlay):
    external = overlay == "production"
    objects = copy.deepcopy(rendered[overlay])
    policy = find(objects, "NetworkPolicy", "actions-from-rasa")
    policy["spec"]["ingress"][0]["from"].append({"namespaceSelector": {}})
    assert any("action servers" in p for p in network_problems(objects, external))
    objects = [
        o
        for o in copy.deepcopy(rendered[overlay])
        if o["metadata"]["name"] != "default-deny-ingress"
    ]
    assert any("default deny" in p for p in network_problems(objects, external))
    objects = copy.deepcopy(rendered[overlay])
    name = "rasa-egress" if external else "redis-from-rasa"
    policy = find(objects, "NetworkPolicy", name)
    rules = policy["spec"]["egress" if external else "ingress"]
    for rule in rules:
        rule.pop("ports", None)
    if external:
        find(objects, "NetworkPolicy", "retention-egress")["spec"]["egress"][0].pop("ports")
    else:
        rules[0]["from"].append({"podSelector": {"matchLabels": {COMPONENT: "actions"}}})
    assert network_problems(objects, external)
    if external:
        # Without its rule to the SMTP server, the callback e-mails cannot leave.
        objects = copy.deepcopy(rendered[overlay])
        egress = find(objects, "NetworkPolicy", "retention-egress")["spec"]["egress"]
        egress[:] = [r for r in egress if r["ports"][0]["port"] != smtp_port()]
        assert any(
            f"retention egress to {smtp_port()}" in p for p in network_problems(objects, True)
        )


def secret_problems(objects: list[dict]) -> list[str]:
    """Secrets are referenced by name and created outside the manifests; no password,
    token or key is ever written into an object."""
    problems = []
    for obj in objects:
        name = f"{obj['kind']}/{obj['metadata']['name']}"
        if obj["kind"] == "Secret":
            problems.append(f"{name}: a Secret in the manifests (create it with kubectl)")
        if obj["kind"] == "ConfigMap":
            for key, value in (obj.get("data") or {}).items():
                if SECRET_NAME.search(key):
                    problems.append(f"{name}: {key} looks like a secret")
                for line in str(value).splitlines():
                    match = re.match(
                        r"\s*([\w-]*(password|secret|token)[\w-]*)\s*:\s*(.+)", line, re.I
                    )
                    if match and not re.fullmatch(
                        r"\$\{\w+\}", match.group(3).split("#")[0].strip()
                    ):
                        problems.append(f"{name}/{key}: {match.group(1)} has a value")
        for spec in pod_specs(obj):
            for container in containers(spec):
                for variable in container.get("env", []):
                    if SECRET_NAME.search(variable["name"]) and variable.get("value"):
                        problems.append(f"{name}: {variable['name']} is written inline")
                    ref = (variable.get("valueFrom") or {}).get("configMapKeyRef")
                    if SECRET_NAME.search(variable["name"]) and ref:
                        problems.append(f"{name}: {variable['name']} comes from a ConfigMap")
    return problems


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_value_is_written_anywhere(rendered, overlay):
    assert secret_problems(rendered[overlay]) == []
    referenced = {
        (
            variable["valueFrom"]["secretKeyRef"]["name"],
            variable["valueFrom"]["secretKeyRef"]["key"],
        )
        for obj in rendered[overlay]
        for spec in pod_specs(obj)
        for container in containers(spec)
        for variable in container.get("env", [])
        if "secretKeyRef" in (variable.get("valueFrom") or {})
    }
    assert ("rasa-secrets", "TRACKER_DB_PASSWORD") in referenced
    assert ("rasa-secrets", "LOCK_STORE_PASSWORD") in referenced


def test_the_secret_rules_can_fail(rendered):
    objects = copy.deepcopy(rendered["production"])
    env = find(objects, "Deployment", "rasa")["spec"]["template"]["spec"]["containers"][0]["env"]
    env[0] = {"name": "TRACKER_DB_PASSWORD", "value": "hunter2"}
    assert any("inline" in p for p in secret_problems(objects))
    objects = copy.deepcopy(rendered["production"])
    generated(objects, "rasa-env")["data"]["LOCK_STORE_PASSWORD"] = "hunter2"
    assert any("looks like a secret" in p for p in secret_problems(objects))
    config = generated(objects, "rasa-config")
    config["data"]["endpoints.prod.yml"] += "\n  password: hunter2\n"
    assert any("has a value" in p for p in secret_problems(objects))
    objects.append({"kind": "Secret", "metadata": {"name": "rasa-secrets"}, "data": {}})
    assert any("a Secret in the manifests" in p for p in secret_problems(objects))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_lands_in_the_namespace(rendered, overlay):
    for obj in rendered[overlay]:
        if obj["kind"] not in CLUSTER_SCOPED:
            assert obj["metadata"].get("namespace") == NAMESPACE, obj["metadata"]["name"]
    namespace = find(rendered[overlay], "Namespace", NAMESPACE)
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


# ------------------------------------------------------------------ the prod profile's settings


def endpoint_variables() -> set[str]:
    code = "\n".join(
        line for line in ENDPOINTS.read_text().splitlines() if not line.lstrip().startswith("#")
    )
    return set(re.findall(r"\$\{(\w+)\}", code))


def container_env(objects: list[dict], spec: dict, container: dict) -> dict[str, str]:
    """The container's environment; a secret reads as <secret:name/key>."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        env.update(find(objects, "ConfigMap", source["configMapRef"]["name"])["data"])
    for variable in container.get("env", []):
        ref = (variable.get("valueFrom") or {}).get("secretKeyRef")
        env[variable["name"]] = (
            f"<secret:{ref['name']}/{ref['key']}>" if ref else variable.get("value", "")
        )
    return env


def mounted_files(objects: list[dict], spec: dict, container: dict) -> dict[str, str]:
    """Files the container sees from ConfigMaps: path -> content."""
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    files = {}
    for mount in container.get("volumeMounts", []):
        source = volumes[mount["name"]].get("configMap")
        if source:
            for key, value in find(objects, "ConfigMap", source["name"])["data"].items():
                files[f"{mount['mountPath']}/{key}"] = value
    return files


def rasa_container(objects: list[dict], component_name: str = "rasa") -> tuple[dict, dict]:
    spec = next(pod_specs(component(objects, component_name)))
    return spec, spec["containers"][0]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_config_map_is_the_repository_s_prod_configuration(rendered, overlay):
    config = generated(rendered[overlay], "rasa-config")["data"]
    assert config == {
        "endpoints.prod.yml": ENDPOINTS.read_text(),
        "credentials.yml": CREDENTIALS.read_text(),
    }


def test_the_kustomize_copies_equal_their_originals():
    """kustomize reads files only from inside a kustomization: these copies must never
    drift from the files the prod profile and compose.yaml use."""
    pairs = [
        (K8S / "base" / "endpoints.prod.yml", ENDPOINTS),
        (K8S / "base" / "credentials.yml", CREDENTIALS),
        (
            K8S / "overlays" / "in-cluster" / "postgres-init.sh",
            ROOT / "deploy/docker/postgres-init.sh",
        ),
        (
            K8S / "overlays" / "in-cluster" / "redis-start.sh",
            ROOT / "deploy/docker/redis-start.sh",
        ),
    ]
    for copy_path, original in pairs:
        assert copy_path.read_bytes() == original.read_bytes(), (
            f"{copy_path.relative_to(ROOT)} differs from {original.relative_to(ROOT)}: "
            f"cp {original.relative_to(ROOT)} {copy_path.relative_to(ROOT)}"
        )


def settings_problems(objects: list[dict], who: str) -> list[str]:
    """How the environment and files that the Rasa pods (or the retention job) get differ
    from the prod profile's."""
    spec, container = rasa_container(objects, who)
    env = container_env(objects, spec, container)
    files = mounted_files(objects, spec, container)
    problems = []
    # Every variable endpoints.prod.yml names is set; the passwords only from the Secret.
    problems += [f"{name} is not set" for name in sorted(endpoint_variables() - set(env))]
    for name in SECRET_NAMES:
        wanted = f"<secret:rasa-secrets/{name}>"
        if who == "retention" and name != "TRACKER_DB_PASSWORD":
            wanted = ""  # named by the endpoints, never used by the purge
        if env.get(name) != wanted:
            problems.append(f"{name} is {env.get(name)!r}, not {wanted!r}")
    # The SMTP login: the callback e-mails' sender (the retention process) only.
    for name in ("SMTP_USERNAME", "SMTP_PASSWORD"):
        wanted_smtp = f"<secret:rasa-secrets/{name}>" if who == "retention" else None
        if env.get(name) != wanted_smtp:
            problems.append(f"{name} is {env.get(name)!r}, not {wanted_smtp!r}")
    # The endpoints and credentials Rasa reads are the repository's files.
    for variable, original in (("RASA_ENDPOINTS", ENDPOINTS), ("RASA_CREDENTIALS", CREDENTIALS)):
        if files.get(env.get(variable, "")) != original.read_text():
            problems.append(f"{variable} is not the repository's {original.name}")
    if Path(env.get("RASA_CREDENTIALS", "")).name != ServeSettings.credentials:
        problems.append("not the prod profile's credentials file")
    # deploy/run_prod.py's REPLICA_DEFAULTS, as the prod profile sets them.
    for name, value in REPLICA_DEFAULTS.items():
        if env.get(name) != value:
            problems.append(f"{name} is {env.get(name)!r}, run_prod sets {value!r}")
    # The prod profile's TLS rule holds: verified, and never the compose-only exception.
    try:
        mode = database_sslmode(env.get("TRACKER_DB_HOST", ""), env.get("TRACKER_DB_SSLMODE"))
        if mode not in ("verify-full", "verify-ca"):
            problems.append(f"the database is reached with sslmode={mode}")
    except SystemExit as error:
        problems.append(str(error))
    if entrypoint.SINGLE_HOST in env:
        problems.append(f"{entrypoint.SINGLE_HOST} is for compose.yaml only")
    volumes = {v["name"]: v for v in spec["volumes"]}
    ca_mounts = [m for m in container["volumeMounts"] if "secret" in volumes[m["name"]]]
    if [f"{m['mountPath']}/ca.crt" for m in ca_mounts] != [env.get("PGSSLROOTCERT")]:
        problems.append("PGSSLROOTCERT is not the mounted tracker-db-ca")
    return problems


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("who", ["rasa", "retention"])
def test_rasa_gets_the_prod_profile_s_settings(rendered, overlay, who, clean_env):
    objects = rendered[overlay]
    assert settings_problems(objects, who) == []
    # What the entrypoint makes of this environment starts (origins, TLS mode, API off).
    spec, container = rasa_container(objects, who)
    env = container_env(objects, spec, container)
    if who == "rasa":
        command = entrypoint.rasa_command(env)
        assert command[command.index("--endpoints") + 1] == env["RASA_ENDPOINTS"]
        assert "--enable-api" not in command
        assert entrypoint.rasa_env(env)["TRACKER_DB_SSLMODE"] == "verify-full"
    else:
        assert container["args"] == ["retention"]
        command = entrypoint.retention_command(env)
        assert command[1:4] == ["-m", "scripts.privacy", "schedule"]
        # The loop touches the file that the probes read.
        heartbeat = command[command.index("--heartbeat") + 1]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert repr(heartbeat) in container[probe]["exec"]["command"][-1]


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("SQL_POOL_SIZE", "50", "SQL_POOL_SIZE"),
        ("TICKET_LOCK_LIFETIME", None, "TICKET_LOCK_LIFETIME"),
        ("LOCK_STORE_DB", None, "LOCK_STORE_DB is not set"),
        ("TRACKER_DB_SSLMODE", "require", "verify-full"),
        ("RASA_ENDPOINTS", "/etc/rasa/credentials.yml", "endpoints.prod.yml"),
        ("BOT_SINGLE_HOST", "1", "compose.yaml only"),
        ("PGSSLROOTCERT", "/etc/ssl/certs/ca.pem", "PGSSLROOTCERT"),
    ],
)
def test_the_settings_rules_can_fail(rendered, key, value, expected):
    objects = copy.deepcopy(rendered["production"])
    data = generated(objects, "rasa-env")["data"]
    if value is None:
        del data[key]
    else:
        data[key] = value
    assert any(expected in p for p in settings_problems(objects, "rasa"))


def test_the_settings_rules_see_a_drifted_config_map_and_an_inline_password(rendered):
    objects = copy.deepcopy(rendered["in-cluster"])
    generated(objects, "rasa-config")["data"]["endpoints.prod.yml"] += "# drift\n"
    env = find(objects, "Deployment", "rasa")["spec"]["template"]["spec"]["containers"][0]["env"]
    env[1] = {"name": "LOCK_STORE_PASSWORD", "value": ""}
    problems = settings_problems(objects, "rasa")
    assert any("RASA_ENDPOINTS is not the repository's" in p for p in problems)
    assert any("LOCK_STORE_PASSWORD is ''" in p for p in problems)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_services_and_ports_fit_together(rendered, overlay):
    objects = rendered[overlay]
    spec, container = rasa_container(objects)
    env = container_env(objects, spec, container)
    port = int(env["RASA_PORT"])
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/webhooks/rest/"
    assert find(objects, "Service", "rasa")["spec"]["ports"][0]["port"] == port
    # The action endpoint is the actions Service.
    url = re.fullmatch(r"http://([\w-]+):(\d+)/webhook", env["ACTION_ENDPOINT_URL"])
    assert url, env["ACTION_ENDPOINT_URL"]
    service = find(objects, "Service", url.group(1))
    assert service["spec"]["ports"][0]["port"] == int(url.group(2))
    actions = next(pod_specs(component(objects, "actions")))["containers"][0]
    assert actions["ports"][0]["containerPort"] == int(url.group(2))
    assert actions["readinessProbe"]["httpGet"]["path"] == "/health"
    assert container_env(objects, {}, actions).keys().isdisjoint(SECRET_VARIABLES)
    # The Ingress forwards only the webhooks, and to the Rasa Service.
    ingress = find(objects, "Ingress", "rasa")
    paths = [p for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]
    assert [p["path"] for p in paths] == ["/webhooks/"]
    assert paths[0]["backend"]["service"]["name"] == "rasa"
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "64k"
    assert "nginx.ingress.kubernetes.io/limit-rps" in annotations
    assert ingress["spec"]["tls"][0]["secretName"] == "bot-tls"
    # The rasa replicas: an autoscaler and a disruption budget, rolling without a gap.
    hpa = find(objects, "HorizontalPodAutoscaler", "rasa")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "rasa"
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    assert find(objects, "PodDisruptionBudget", "rasa")["spec"]["maxUnavailable"] == 1
    deployment = component(objects, "rasa")
    assert "replicas" not in deployment["spec"]  # the autoscaler's
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    if overlay == "in-cluster":
        # The stores' Services are where the endpoints say, on the ports they say.
        for host, port_name in (
            ("TRACKER_DB_HOST", "TRACKER_DB_PORT"),
            ("LOCK_STORE_HOST", "LOCK_STORE_PORT"),
        ):
            service = find(objects, "Service", env[host])
            assert service["spec"]["ports"][0]["port"] == int(env[port_name])


def test_the_retention_process_runs_alone_with_the_same_image(rendered):
    for overlay in OVERLAYS:
        objects = rendered[overlay]
        deployment = find(objects, "Deployment", "retention")
        job = next(pod_specs(deployment))["containers"][0]
        rasa = next(pod_specs(component(objects, "rasa")))["containers"][0]
        assert job["image"] == rasa["image"]
        # One purger and deliverer at a time: the old pod stops before the new one starts.
        assert deployment["spec"]["replicas"] == 1
        assert deployment["spec"]["strategy"] == {"type": "Recreate"}
        assert not [
            o
            for o in objects
            if o["kind"] == "HorizontalPodAutoscaler"
            and o["spec"]["scaleTargetRef"]["name"] == "retention"
        ]


@pytest.mark.parametrize(
    "age_seconds, alive", [(0, True), (500, True), (700, False), (None, False)]
)
def test_the_retention_probe_tells_a_live_loop_from_a_hung_one(
    rendered, tmp_path, age_seconds, alive
):
    """The probe's own command, run here on a heartbeat of a given age (None: absent)."""
    container = next(pod_specs(find(rendered["production"], "Deployment", "retention")))
    command = container["containers"][0]["livenessProbe"]["exec"]["command"]
    heartbeat = tmp_path / "retention.alive"
    if age_seconds is not None:
        heartbeat.touch()
        stamp = time.time() - age_seconds
        os.utime(heartbeat, (stamp, stamp))
    code = command[-1].replace("/tmp/retention.alive", str(heartbeat))
    assert command[:2] == ["python", "-c"]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30)
    assert (result.returncode == 0) is alive, result.stderr
    images = {
        c["image"]
        for o in workloads(rendered["production"])
        for s in pod_specs(o)
        for c in containers(s)
    }
    assert all(image.startswith("registry.clinic.example/") for image in images), images


# ------------------------------------------------------------------ compose.yaml


def interpolate(value: object, env: dict[str, str]) -> object:
    """compose's ${VAR}, ${VAR:-default} (nested) and ${VAR:?error}; $$ is a literal $."""
    if not isinstance(value, str):
        return value
    out, i = [], 0
    while i < len(value):
        if value.startswith("$$", i):
            out.append("$")
            i += 2
        elif value.startswith("${", i):
            depth, j = 1, i + 2
            while depth:
                if value.startswith("${", j):
                    depth, j = depth + 1, j + 2
                else:
                    depth -= value[j] == "}"
                    j += 1
            body = value[i + 2 : j - 1]
            name, op, rest = re.match(r"(\w+)(:?[-?]?)(.*)", body, re.S).groups()
            current = env.get(name, "")
            if op == ":-":
                out.append(current or str(interpolate(rest, env)))
            elif op == ":?":
                if not current:
                    raise KeyError(f"{name}: {rest}")
                out.append(current)
            else:
                out.append(current)
            i = j
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def compose_env(service: dict, env: dict[str, str]) -> dict[str, str]:
    return {k: str(interpolate(v, env)) for k, v in (service.get("environment") or {}).items()}


def dotenv(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_compose_needs_every_secret_from_the_env_file(compose):
    example = dotenv(ENV_EXAMPLE)
    secrets = [name for name in example if SECRET_NAME.search(name)]
    assert secrets == [
        "POSTGRES_ADMIN_PASSWORD",
        "TRACKER_DB_PASSWORD",
        "LOCK_STORE_PASSWORD",
        "SMTP_PASSWORD",
    ]
    assert all(example[name] == "" for name in secrets), "placeholders stay empty"
    with pytest.raises(KeyError, match="TRACKER_DB_PASSWORD"):
        compose_env(compose["services"]["rasa"], {"LOCK_STORE_PASSWORD": "x"})
    for name, service in compose["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(variable):
                assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", str(value)), f"{name}: {variable}"


def test_compose_runs_the_prod_profile(compose, clean_env):
    services = compose["services"]
    assert set(services) == {
        "postgres",
        "redis",
        "actions",
        "rasa",
        "retention",
        "nginx-config",
        "nginx",
    }
    secrets = {
        "POSTGRES_ADMIN_PASSWORD": "a1",
        "TRACKER_DB_PASSWORD": "b2",
        "LOCK_STORE_PASSWORD": "c3",
        "SMTP_PASSWORD": "d4",
    }
    example = {**dotenv(ENV_EXAMPLE), **secrets}
    rasa = compose_env(services["rasa"], example)
    assert endpoint_variables() <= set(rasa), endpoint_variables() - set(rasa)
    assert rasa["TRACKER_DB_PASSWORD"] == "b2" and rasa["LOCK_STORE_PASSWORD"] == "c3"
    assert rasa["TRACKER_DB_HOST"] == "postgres" and rasa["LOCK_STORE_HOST"] == "redis"
    assert rasa["WEB_ORIGINS"] == example["PUBLIC_ORIGIN"]
    # The image's defaults fill in the rest exactly as the prod profile does.
    child = entrypoint.rasa_env(rasa)
    for name, value in REPLICA_DEFAULTS.items():
        assert child[name] == value
    assert child["RASA_ENDPOINTS"] == "endpoints.prod.yml"
    assert child["TRACKER_DB_SSLMODE"] == "prefer"  # same host: see BOT_SINGLE_HOST
    assert "--cors" in entrypoint.rasa_command(rasa)
    # Replicas and action servers as in run_prod, behind nginx's internal listener.
    assert services["rasa"]["deploy"]["replicas"] == "${RASA_REPLICAS:-2}"
    assert services["actions"]["deploy"]["replicas"] == "${ACTION_SERVERS:-1}"
    assert rasa["ACTION_ENDPOINT_URL"] == "http://nginx:5054/webhook"
    # The action servers and nginx never get a store's password.
    for name in ("actions", "nginx", "nginx-config"):
        assert not set(compose_env(services[name], example)) & set(SECRET_VARIABLES), name
    retention = compose_env(services["retention"], example)
    # The retention job also delivers callback requests: the database and the SMTP login.
    assert retention["TRACKER_DB_PASSWORD"] == "b2" and retention["SMTP_PASSWORD"] == "d4"
    # Only nginx is published; everything else is on the internal network.
    assert [n for n, s in services.items() if s.get("ports")] == ["nginx"]
    assert compose["networks"]["backend"]["internal"] is True
    assert [n for n, s in services.items() if "frontend" in s.get("networks", [])] == ["nginx"]
    for name, service in services.items():
        assert service.get("read_only") is True, name
        assert service.get("cap_drop") == ["ALL"], name
        assert "no-new-privileges:true" in service.get("security_opt", []), name
    for name in ("rasa", "actions"):
        assert services[name]["build"]["target"] == name
        assert services[name]["build"]["dockerfile"] == "deploy/docker/Dockerfile"
    assert compose["name"] == entrypoint.COMPOSE_PROJECT


def test_compose_s_nginx_is_the_prod_profile_s_with_one_server_per_replica(compose, tmp_path):
    env = entrypoint.compose_nginx_env(
        {
            "RASA_REPLICAS": "3",
            "ACTION_SERVERS": "2",
            "PUBLIC_ORIGIN": "https://bot.clinic.example",
        },
        tmp_path,
    )
    shutil.copytree(ROOT / "web", tmp_path / "web")
    text = render_nginx.render(**render_nginx.from_environment(env))  # type: ignore[arg-type]
    for i in (1, 2, 3):
        assert f"server citidrips-bot-rasa-{i}:5005 max_fails=1" in text
    assert "server citidrips-bot-actions-2:5055" in text
    assert "proxy_next_upstream_tries 3;" in text  # a dead replica is skipped in a request
    assert "listen 0.0.0.0:8080;" in text and "listen 0.0.0.0:5054;" in text
    assert "pid /tmp/nginx/nginx.pid;" in text
    assert "Strict-Transport-Security" in text
    nginx = compose["services"]["nginx"]
    assert nginx["ports"] == ["${NGINX_PUBLISH:-127.0.0.1:8088}:8080"]
    command = compose["services"]["nginx-config"]["command"]
    assert command[:2] == ["compose-nginx", "--out"]
    assert Path(command[2]).parent == Path("/srv/nginx")
    assert "nginx-config:/srv/nginx:ro" in nginx["volumes"]
    assert (ROOT / "deploy/docker/nginx-entrypoint.sh").read_text().count("/tmp/nginx") >= 2
