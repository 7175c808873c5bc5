"""`make run`: the assistant on the default profile, until Ctrl+C or SIGTERM.

python -m scripts.serve
"""

from __future__ import annotations

import sys

from content.clinic import load_clinic
from runtime.settings import MODEL, ServeSettings
from runtime.stack import Stack, serve_until_stopped


def main() -> int:
    if not MODEL.exists():
        print(f"No model at {MODEL}: run `make run`, which trains it first.", file=sys.stderr)
        return 1
    settings = ServeSettings.from_env()
    stack = Stack(
        rasa_port=settings.rasa_port,
        action_port=settings.action_port,
        web_port=settings.web_port,
        tracker_db=settings.tracker_db,
    )

    def announce() -> None:
        print(f"\nThe assistant is running. Logs: {stack.log_dir}", flush=True)
        if "web" in stack.processes:
            print(f"  Chat in your browser:  {stack.page_url}")
        print(f"  REST webhook:          {stack.rest_url}")
        example = '{"sender": "me", "message": "What is mesotherapy?"}'
        print(
            f"  Try: curl -s {stack.rest_url} -H 'Content-Type: application/json' -d '{example}'",
            flush=True,
        )

    placeholders = load_clinic().placeholders()
    if placeholders:
        print(
            "\n*** clinic.yml still has PLACEHOLDERS, which patients would see: "
            f"{', '.join(placeholders)}. Fine for development; the production profile "
            "refuses to start until they are filled in. ***\n",
            flush=True,
        )
    print("Starting the action server and the Rasa server (about 20 s)...", flush=True)
    return serve_until_stopped(
        "the assistant", stack.start, lambda: stack.processes, stack.stop, announce, stack.log_dir
    )


if __name__ == "__main__":
    sys.exit(main())
