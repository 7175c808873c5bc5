"""The Rasa server process: Rasa's own command line, with the project's overrides applied.

`python -m runtime.rasa_server run ...` takes the same arguments as `rasa run`. This is
the one place runtime/rasa_compat.py is applied, so the overrides are in effect exactly
in the processes that serve patients, and never as a side effect of an import.
"""

from __future__ import annotations

import datetime
import os
import sys

# First: it marks jax absent before TensorFlow is imported (runtime/rasa_compat.py).
from runtime import rasa_compat  # isort: skip

from rasa.__main__ import main as rasa_main

from content.review import load_review


def cors_origins(argv: list[str]) -> list[str]:
    """The values of Rasa's --cors option (one flag, several values)."""
    if "--cors" not in argv:
        return []
    origins = []
    for value in argv[argv.index("--cors") + 1 :]:
        if value.startswith("--"):
            break
        origins.append(value)
    return origins


def main() -> None:
    rasa_compat.apply()
    # The JWT secret of Rasa's HTTP API comes from the environment and is handed to
    # Rasa's argument parser here: on the command line, `ps` would show it to anyone.
    secret = os.environ.get("RASA_JWT_SECRET", "")
    if "--enable-api" in sys.argv and secret and "--jwt-secret" not in sys.argv:
        sys.argv += ["--jwt-secret", secret]
    # Rasa configures logging only inside its main(), so this stable line goes straight
    # to the server log: tests read it to prove the overrides run in the real server.
    overrides = ",".join(rasa_compat.in_effect())
    print(f"rasa_compat.applied overrides={overrides}", file=sys.stderr, flush=True)
    # A widget embedded on a site whose origin is not listed gets nothing but a CORS
    # error in the patient's browser: the log says which origins are allowed.
    print(f"rest.cors.allowed origins={','.join(cors_origins(sys.argv))}", flush=True)
    # The article is medical content: the clinic must see when its review lapses.
    warning = load_review().warning(datetime.date.today())
    if warning:
        print(f"content.review.warning {warning}", file=sys.stderr, flush=True)
    rasa_main()


if __name__ == "__main__":
    main()
