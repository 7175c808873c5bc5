"""Where conversations are kept: the tracker store named in endpoints.yml."""
