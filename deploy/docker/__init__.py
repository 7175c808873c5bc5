"""The container images' entrypoint and helpers (deploy/docker/Dockerfile)."""
