"""The clinic's contact details, read once from clinic.yml."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CLINIC_FILE = Path(__file__).resolve().parent.parent / "clinic.yml"
PLACEHOLDER_MARK = "[PLACEHOLDER"


@dataclass(frozen=True)
class Clinic:
    name: str
    phone: str
    address: str
    booking_url: str

    @property
    def contact_lines(self) -> str:
        return f"Phone: {self.phone}\nAddress: {self.address}\nBook online: {self.booking_url}"


@lru_cache(maxsize=1)
def load_clinic(path: Path = CLINIC_FILE) -> Clinic:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = [key for key in ("name", "phone", "address", "booking_url") if not str(data.get(key) or "").strip()]
    if missing:
        raise ValueError(f"{path} lacks {missing}: fill them in or keep the [PLACEHOLDER: ...] markers")
    return Clinic(**{key: str(data[key]).strip() for key in ("name", "phone", "address", "booking_url")})
