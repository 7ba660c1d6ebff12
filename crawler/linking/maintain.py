"""Clusters and translation links kept up to date as stories are stored, incrementally.

After each batch the store writes, the stories it inserted or updated are linked:

1. Their link record (signature, LSH bands, per-language profiles) goes into the store's link index,
   so a cron run adds to it and never recomputes what is stored.
2. Near-duplicate candidates come from the LSH bands, among the stories published within
   COPY_WINDOW of the story (at most MAX_CANDIDATES each); those alike
   (crawler.linking.clusters.alike) put the story in their cluster. Clusters that a story joins
   together are merged under the id of the one it is most like.
3. Each cluster touched is recomputed: its origin (the member the others credit after 来源/Source,
   else the earliest published), every member's role, similarity to the origin, and for edited
   copies what they changed. At most MAX_CLUSTER members are read, so the cost per story is bounded.
4. A story in one language is matched against stories in the other published within
   translations.WINDOW that share a match token (a name, a figure, a dateline); links at or above
   translations.CONFIDENCE are written on both stories. A page printing both languages is its own
   translation.

Stored fields: `cluster = {id, origin, role, similarity, size, diff?}` (a story alone is its own
cluster of one, set when it is first stored: crawler.store.documents.alone)
and `translations = [{key, lang, confidence, evidence}]`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from crawler import sites
from crawler.linking import clusters, translations
from crawler.linking.clusters import Signature
from crawler.linking.translations import Profile, base_language
from crawler.store.documents import alone, cluster_name

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from crawler.store import Store

MAX_CANDIDATES = 50
COPY_WINDOW = timedelta(days=7)
"""Copies are sought among the stories published within a week of the story: outlets reprint a
wire story within days, and the query stays bounded by the window, not by the archive."""
MAX_CLUSTER = 50
MAX_TRANSLATION_POOL = 5000
MAX_TRANSLATIONS = 5


def _utc_text(value: Any) -> str | None:
    """A stored time as sortable UTC text (the link index compares these as strings)."""
    if not value:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _parse_utc(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None


def credited_outlets(names: list[str]) -> list[str]:
    """The outlets (site keys) a story credits after 来源/Source."""
    found: list[str] = []
    for name in names:
        for site in sites.OUTLETS:
            if any(_names(name, credited) for credited in site.credited_as) and site.key not in found:
                found.append(site.key)
    return found


def _names(printed: str, credited: str) -> bool:
    """`printed` names the outlet `credited`: alone, or followed by an app, a desk or a reporter
    (人民日报客户端, 新华社记者), never as the start of another name (中国网络电视台 is not 中国网)."""
    text = printed.strip().strip("《》").casefold()
    name = credited.casefold()
    if not text.startswith(name):
        return False
    rest = text[len(name) :]
    return (
        not rest
        or not ("\u4e00" <= rest[0] <= "\u9fff")
        or rest.startswith(("客户端", "客戶端", "记者", "記者", "微信", "微博", "电", "電"))
    )


@dataclass
class LinkReport:
    counts: Counter[str] = field(default_factory=Counter)
    """indexed, clustered, cluster_updates, translation_links."""


def signature_of(record: dict[str, Any]) -> Signature | None:
    return Signature(tuple(record["sig"]), int(record["size"])) if record.get("sig") else None


class CandidatePool:
    """Near-duplicate candidates of one batch, indexed by LSH band once, so each story of the batch
    compares signatures only with the records sharing one of its bands.

    A batch may read thousands of candidates (MAX_CANDIDATES per story): each is kept as its id,
    cluster and signature, and only the bands the batch's own stories have are indexed. Keeping
    whole records and all their bands held 130 MB at 5,000 candidates."""

    def __init__(self, wanted: set[str]) -> None:
        self.wanted = wanted
        self.records: dict[str, dict[str, Any]] = {}
        self.signatures: dict[str, Signature] = {}
        self.by_band: dict[str, set[str]] = {}

    def add(self, *records: dict[str, Any]) -> None:
        """Add stored candidates, kept slim."""
        for record in records:
            self._add(record, {"_id": record["_id"], "cluster": record.get("cluster")})

    def add_own(self, record: dict[str, Any]) -> None:
        """Add one of the batch's own records, kept whole: the batch sets its cluster in place."""
        self._add(record, record)

    def _add(self, record: dict[str, Any], kept: dict[str, Any]) -> None:
        self.records[record["_id"]] = kept
        if (signature := signature_of(record)) is None:
            return
        self.signatures[record["_id"]] = signature
        for band in record.get("bands") or ():
            if band in self.wanted:
                self.by_band.setdefault(band, set()).add(record["_id"])

    def sharing_a_band(self, record: dict[str, Any]) -> list[tuple[dict[str, Any], Signature]]:
        keys = sorted({key for band in record["bands"] for key in self.by_band.get(band, ())} - {record["_id"]})
        return [(self.records[key], self.signatures[key]) for key in keys]


class TranslationPool:
    """Candidate stories in one language, read once per batch (or per run: candidate_reads), with their
    profiles and an index from match token to story, so each story of the batch meets only those
    sharing a token."""

    def __init__(self, lang: str, records: list[dict[str, Any]]) -> None:
        self.lang = lang
        self.entries: list[tuple[str, Profile, datetime]] = []
        self.by_token: dict[str, list[int]] = {}
        for record in records:
            when = _parse_utc(record.get("published_at"))
            if record.get("langs") != [lang] or lang not in (record.get("profiles") or {}) or when is None:
                continue
            profile = Profile.from_record(record["profiles"][lang])
            for token in profile.tokens():
                self.by_token.setdefault(token, []).append(len(self.entries))
            self.entries.append((record["_id"], profile, when))

    def sharing(self, tokens: list[str]) -> list[tuple[str, Profile, datetime]]:
        found = sorted({index for token in tokens for index in self.by_token.get(token, ())})
        return [self.entries[index] for index in found]


def time_groups(records: list[dict[str, Any]], reach: timedelta) -> list[tuple[list[dict[str, Any]], str, str]]:
    """The records that have a publish time, in runs spanning at most 2 × `reach`, each with the
    range its candidates are published in (its first - reach to its last + reach).

    A batch of the day's news is one run; a batch spread over months (a sitemap read back to its
    start) is several, which candidate_reads reads one by one when a single read would be cut."""
    dated = sorted(
        ((when, record) for record in records if (when := _parse_utc(record["published_at"])) is not None),
        key=lambda pair: pair[0],
    )
    runs: list[list[tuple[datetime, dict[str, Any]]]] = []
    for when, record in dated:
        if runs and when - runs[-1][0][0] <= 2 * reach:
            runs[-1].append((when, record))
        else:
            runs.append([(when, record)])
    return [
        ([record for _, record in run], _utc_text(run[0][0] - reach) or "", _utc_text(run[-1][0] + reach) or "") for run in runs
    ]


def candidate_reads(
    records: list[dict[str, Any]],
    reach: timedelta,
    read: Callable[[str, str, int], list[dict[str, Any]]],
    limit: Callable[[int], int],
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """(stories, their candidates) for the batch's dated records: one read over the whole batch's
    range when that read is not cut by its limit (`limit(stories)`); else one read per run
    (time_groups), each yielded before the next is read.

    On FerretDB 1.x every read scans the link index, so a batch reads once when it can; a batch
    spread over months whose one read would be cut reads per run instead, so its later stories are
    not left with only the oldest candidates."""
    groups = time_groups(records, reach)
    if not groups:
        return
    dated = [record for group, _, _ in groups for record in group]
    found = read(groups[0][1], groups[-1][2], limit(len(dated)))
    if len(groups) == 1 or len(found) < limit(len(dated)):
        yield dated, found
        return
    del found
    for group, start, end in groups:
        yield group, read(start, end, limit(len(group)))


class Linker:
    """Links the stories of one written batch. Candidates are fetched once per batch (one LSH query,
    one time-window query per language; per run of close stories only when that read would be cut:
    candidate_reads), not once per story: on a server without index push-down (FerretDB 1.x scans a
    collection for each query) the per-story cost would grow with the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def link(self, keys: list[str]) -> LinkReport:
        report = LinkReport()
        docs = [doc for key in dict.fromkeys(keys) if (doc := self.store.get(key)) is not None]
        if not docs:
            return report
        records = [self.record(doc) for doc in docs]
        previous = {r["_id"]: r.get("cluster") for r in self.store.link_records([r["_id"] for r in records])}
        bands = sorted({band for record in records for band in record["bands"]})
        pool = CandidatePool(set(bands))
        if bands:
            in_bands = partial(self.store.link_records_in_bands, bands)
            for _, found in candidate_reads(records, COPY_WINDOW, in_bands, lambda stories: MAX_CANDIDATES * stories):
                pool.add(*found)
        # Exact copies (equal content_hash, linked in `duplicates_of`) always share a cluster,
        # however far apart they were published.
        duplicates = sorted({key for doc in docs for key in doc.get("duplicates_of") or []} - set(pool.records))
        pool.add(*self.store.link_records(duplicates))
        touched: dict[str, None] = {}
        for record in records:
            self._cluster(record, previous.get(record["_id"]), pool, touched, report)
            pool.add_own(record)  # the batch's later stories meet it
        self.store.put_link_records(records)
        report.counts["indexed"] += len(records)
        for cluster_id in touched:
            self._refresh_cluster(cluster_id, report)
        for doc, record in zip(docs, records, strict=True):
            if record["cluster"] is None and doc.get("cluster") != alone(doc["_id"]):
                self.store.set_story_fields(doc["_id"], {"cluster": alone(doc["_id"])})
        self._translate(docs, records, report)
        return report

    # -- records ----------------------------------------------------------------------------------

    def record(self, doc: dict[str, Any]) -> dict[str, Any]:
        body = doc.get("body") or {}
        signature = clusters.signature(body)
        langs = sorted({base_language(lang) for lang, paragraphs in body.items() if paragraphs})
        profiles = {lang: translations.profile(doc, lang) for lang in langs if lang in ("zh", "en")}
        return {
            "_id": doc["_id"],
            "site": doc.get("site"),
            "langs": langs,
            "published_at": _utc_text(doc.get("published_at")) or _utc_text(doc.get("first_seen_at")),
            "first_seen_at": _utc_text(doc.get("first_seen_at")),
            "credited": credited_outlets(list(doc.get("sources") or ([doc["source"]] if doc.get("source") else []))),
            "sig": list(signature.values) if signature else None,
            "size": signature.size if signature else 0,
            "bands": signature.bands() if signature else [],
            "profiles": {lang: p.as_record() for lang, p in profiles.items()},
            "cluster": None,
        }

    # -- clusters ---------------------------------------------------------------------------------

    def _cluster(
        self,
        record: dict[str, Any],
        old: str | None,
        pool: CandidatePool,
        touched: dict[str, None],
        report: LinkReport,
    ) -> None:
        """Put the story's record in a cluster (or none); note the clusters to recompute."""
        mine = signature_of(record)
        alike: list[tuple[float, dict[str, Any]]] = []
        if mine is not None:
            for candidate, theirs in pool.sharing_a_band(record):
                if (score := clusters.alike(mine, theirs)) > 0:
                    alike.append((score, candidate))
        if alike:
            alike.sort(key=lambda pair: (-pair[0], pair[1]["_id"]))
            best = alike[0][1]
            cluster_id = best.get("cluster") or old or cluster_name(best["_id"])
            record["cluster"] = cluster_id
            report.counts["clustered"] += 1
            for _, candidate in alike[:MAX_CANDIDATES]:
                joined = candidate.get("cluster")
                if joined == cluster_id:
                    continue
                # Alone until now, or the story joins two clusters: one cluster now.
                members = [m["_id"] for m in self.store.link_records_in_cluster(joined, MAX_CLUSTER)] if joined else []
                self.store.set_link_cluster([candidate["_id"], *members], cluster_id)
                for member in pool.records.values():
                    if member["_id"] == candidate["_id"] or (joined and member.get("cluster") == joined):
                        member["cluster"] = cluster_id
            touched[cluster_id] = None
        if old and old not in touched:
            touched[old] = None  # the story left it: what remains is recomputed

    def _origin(self, members: list[dict[str, Any]]) -> dict[str, Any]:
        """The member the others credit most, then the earliest published, then the first seen."""
        credits = Counter(site for m in members for site in m.get("credited") or [] if site != m.get("site"))
        return min(
            members,
            key=lambda m: (
                -credits.get(str(m.get("site")), 0),
                m.get("published_at") or "~",
                m.get("first_seen_at") or "~",
                m["_id"],
            ),
        )

    def _refresh_cluster(self, cluster_id: str, report: LinkReport) -> None:
        members = [m for m in self.store.link_records_in_cluster(cluster_id, MAX_CLUSTER) if m.get("cluster") == cluster_id]
        if len(members) < 2:
            if members:  # alone again
                self.store.set_link_cluster([m["_id"] for m in members], None)
                for member in members:
                    self.store.set_story_fields(member["_id"], {"cluster": alone(member["_id"])})
            return
        origin = self._origin(members)
        if (named := cluster_name(origin["_id"])) != cluster_id:
            # A cluster is named after its origin: the same name however its stories arrived, and
            # after a rebuild (relink).
            self.store.set_link_cluster([m["_id"] for m in members], named)
            cluster_id = named
        docs = {m["_id"]: self.store.get(m["_id"]) for m in members}
        origin_doc = docs.get(origin["_id"]) or {}
        origin_body = origin_doc.get("body") or {}
        origin_shingles = clusters.shingles(origin_body)
        for member in members:
            doc = docs.get(member["_id"])
            if doc is None:
                continue
            entry: dict[str, Any] = {"id": cluster_id, "origin": origin["_id"], "size": len(members)}
            if member["_id"] == origin["_id"]:
                entry.update(role="origin", similarity=1.0)
            else:
                body = doc.get("body") or {}
                diff = clusters.paragraph_diff(origin_body, body)
                unchanged = doc.get("content_hash") == origin_doc.get("content_hash") or clusters.is_unchanged(diff)
                entry.update(
                    role="copy" if unchanged else "edited-copy",
                    similarity=round(clusters.jaccard(origin_shingles, clusters.shingles(body)), 3),
                )
                if not unchanged:
                    entry["diff"] = diff
            if doc.get("cluster") != entry:
                self.store.set_story_fields(member["_id"], {"cluster": entry})
                report.counts["cluster_updates"] += 1

    # -- translations -----------------------------------------------------------------------------

    def _translate(self, docs: list[dict[str, Any]], records: list[dict[str, Any]], report: LinkReport) -> None:
        found = self._candidate_links(records)
        for doc, record in zip(docs, records, strict=True):
            key, langs = doc["_id"], record["langs"]
            before = {t["key"]: t for t in doc.get("translations") or [] if t.get("key") != key}
            links: list[dict[str, Any]] = found.get(key, [])
            if set(langs) >= {"zh", "en"}:
                links = [
                    {"key": key, "lang": lang, "confidence": 1.0, "evidence": ["one page prints both languages"]}
                    for lang in ("zh", "en")
                ]
            if links != (doc.get("translations") or []):
                self.store.set_story_fields(key, {"translations": links})
            after = {t["key"]: t for t in links if t["key"] != key}
            for partner in set(before) | set(after):
                self._mirror(partner, key, after.get(partner), langs)
            report.counts["translation_links"] += len(after)

    def _candidate_links(self, records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        """The translation links of the batch's single-language stories, by key: one candidate
        pool per read (candidate_reads: the batch's, or each run's in turn), used and dropped."""
        found: dict[str, list[dict[str, Any]]] = {}
        for lang in ("zh", "en"):
            other = "en" if lang == "zh" else "zh"
            batch = [r for r in records if r["langs"] == [other]]
            singles = [r for r in records if r["langs"] == [lang]]
            # One pool serves every story of its run: it is bounded as a whole, not per story.
            in_other = partial(self._matching, other)
            for group, stored in candidate_reads(singles, translations.WINDOW, in_other, lambda _: MAX_TRANSLATION_POOL):
                pool = TranslationPool(other, list({r["_id"]: r for r in [*stored, *batch]}.values()))
                for record in group:
                    found[record["_id"]] = self._partners(record, lang, pool)
        return found

    def _matching(self, lang: str, start: str, end: str, limit: int) -> list[dict[str, Any]]:
        return self.store.link_records_matching(start, end, lang, limit)

    def _partners(self, record: dict[str, Any], lang: str, pool: TranslationPool) -> list[dict[str, Any]]:
        mine = Profile.from_record(record["profiles"][lang])
        published = _parse_utc(record["published_at"])
        assert published is not None
        links: list[dict[str, Any]] = []
        for key, theirs, when in pool.sharing(mine.tokens()):
            if abs(when - published) > translations.WINDOW:
                continue
            found = translations.match(mine, theirs, published, when)
            if found.confidence >= translations.CONFIDENCE:
                links.append({"key": key, "lang": pool.lang, "confidence": found.confidence, "evidence": found.evidence})
        links.sort(key=lambda link: (-link["confidence"], link["key"]))
        return links[:MAX_TRANSLATIONS]

    def _mirror(self, partner: str, key: str, link: dict[str, Any] | None, langs: list[str]) -> None:
        """The partner's side of a link: added, updated or taken back."""
        doc = self.store.get(partner)
        if doc is None:
            return
        kept = [t for t in doc.get("translations") or [] if t.get("key") != key]
        if link is not None:
            kept.append({**link, "key": key, "lang": langs[0]})
            kept.sort(key=lambda t: (-t["confidence"], t["key"]))
        if kept != (doc.get("translations") or []):
            self.store.set_story_fields(partner, {"translations": kept})
