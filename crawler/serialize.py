"""Items to plain JSON-ready dicts (the shape printed by `parse` and stored as is)."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter


def to_jsonable(item: Any) -> dict[str, Any]:
    return ItemAdapter(item).asdict()
