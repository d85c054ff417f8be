"""Version tokens against lost updates.

A form carries the version of the stored values it was opened with; the service compares it with
the version of the values as they are, under the lock, and refuses a save over values someone
else changed since (another tab, another person), so that nothing is overwritten unseen.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def version_of(values: Any) -> str:
    """A short digest of stored values (dicts, lists, numbers, text, dates)."""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]
