"""Items to JSON-ready dicts: new containers all the way down, whatever the item holds."""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field

from crawler.items import to_jsonable

Point = namedtuple("Point", "x y")


class Opaque:
    def __init__(self, values: list[int]) -> None:
        self.values = values


@dataclass
class Holder:
    pair: tuple[int, list[str]] = (1, ["a"])
    point: Point = field(default_factory=lambda: Point(1, [2]))
    opaque: Opaque = field(default_factory=lambda: Opaque([3]))


def test_tuples_named_tuples_and_other_objects_are_copied_not_shared() -> None:
    holder = Holder()
    plain = to_jsonable(holder)
    assert plain["pair"] == (1, ["a"]) and plain["pair"][1] is not holder.pair[1]
    assert plain["point"] == Point(1, [2]) and isinstance(plain["point"], Point) and plain["point"].y is not holder.point.y
    assert plain["opaque"].values == [3] and plain["opaque"] is not holder.opaque


def test_an_item_that_is_not_a_dataclass_goes_through_itemadapter() -> None:
    item = {"title": {"zh": "标题"}, "body": {"zh": ["段落"]}}
    plain = to_jsonable(item)
    assert plain == item and plain is not item
