"""What a run has seen, kept as digests: a run remembers every story it queued and stored, and the
strings themselves (a canonical URL, a key and a URL) cost about 300 bytes a story where a 16-byte
digest costs about 80 with its set slot. Over a 100,000-story run that is 20 MB less per set."""

from __future__ import annotations

import hashlib


class SeenDigests:
    """A set of string tuples, stored as 16-byte BLAKE2b digests (a false "seen" needs a 128-bit
    collision)."""

    def __init__(self) -> None:
        self._digests: set[bytes] = set()

    def __len__(self) -> int:
        return len(self._digests)

    def first_time(self, *parts: str) -> bool:
        """Whether `parts` had not been seen; they are seen from now on."""
        digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if digest in self._digests:
            return False
        self._digests.add(digest)
        return True
