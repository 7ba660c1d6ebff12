"""The generic extractor against trafilatura on the real pages: never worse on any field, per outlet."""

from __future__ import annotations

import pytest

from tests.conftest import require_corpus
from tests.corpus_report import COMPARED, scores

pytestmark = pytest.mark.skipif(not require_corpus(), reason="../shared/corpus is not present (HEADLINES_SHARED)")


def test_generic_extractor_is_not_worse_than_trafilatura() -> None:
    ours, theirs = scores("generic"), scores("trafilatura")
    worse = {
        (name, field): {"generic": ours[name][field], "trafilatura": theirs[name][field]}
        for name in theirs
        for field in COMPARED
        if ours[name][field][0] < theirs[name][field][0]
    }
    assert not worse, worse


def test_the_crawler_reads_every_field_of_every_real_article() -> None:
    table = scores("crawler")
    missed = {(name, field): cell for name, fields in table.items() for field, cell in fields.items() if cell[0] != cell[1]}
    assert not missed, missed
