"""Deterministic fake readers and books: Faker fills value pools once, a seeded RNG combines them.

Calling Faker per row is the slow part of seeding; pools of a few thousand values per field keep
the data varied (and non-ASCII, from several locales) while generating 50,000 readers in well
under a second.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from faker import Faker

LOCALES = ["en_US", "de_DE", "fr_FR", "es_ES", "pl_PL", "it_IT", "pt_BR", "cs_CZ", "sv_SE", "tr_TR"]
POOL_SIZE = 2000
EPOCH = datetime(2026, 1, 1)
REGISTRATION_SPAN_S = 10 * 365 * 24 * 3600
MAX_BOOKS_PER_READER = 6  # uniform 0..6: three books per reader on average

ReaderRow = tuple[int, str, str, str, str, str, datetime]
BookRow = tuple[int, str, str, str, int, int]


@dataclass(frozen=True)
class Pools:
    first_names: list[str]
    last_names: list[str]
    phones: list[str]
    addresses: list[str]
    domains: list[str]
    titles: list[str]
    authors: list[str]

    @classmethod
    def build(cls, seed: int) -> Pools:
        fake = Faker(LOCALES)
        fake.seed_instance(seed)

        def pool(make) -> list[str]:
            return [make() for _ in range(POOL_SIZE)]

        return cls(
            first_names=pool(fake.first_name),
            last_names=pool(fake.last_name),
            phones=pool(fake.phone_number),
            addresses=pool(lambda: fake.address().replace("\n", ", ")),
            domains=[fake["en_US"].free_email_domain() for _ in range(50)],
            titles=pool(lambda: fake.sentence(nb_words=4).rstrip(".")),
            authors=pool(fake.name),
        )


def ascii_slug(value: str) -> str:
    """'Zoë Łukasz' -> 'zoelukasz': safe for the local part of an email address."""
    decomposed = unicodedata.normalize("NFKD", value.replace("ł", "l").replace("Ł", "L"))
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def isbn13(rng: random.Random) -> str:
    digits = [9, 7, 8] + [rng.randrange(10) for _ in range(9)]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    body = "".join(map(str, digits))
    return f"{body[:3]}-{body[3]}-{body[4:8]}-{body[8:12]}-{check}"


def generate(readers: int, seed: int) -> Iterator[tuple[ReaderRow, list[BookRow]]]:
    """Readers 1..readers, each with its books; the same seed always gives the same rows."""
    pools = Pools.build(seed)
    rng = random.Random(seed)
    book_id = 0
    for reader_id in range(1, readers + 1):
        first, last = rng.choice(pools.first_names), rng.choice(pools.last_names)
        # The id in the address makes every email unique at any size.
        email = f"{ascii_slug(first) or 'reader'}.{ascii_slug(last) or 'x'}.{reader_id}@{rng.choice(pools.domains)}"
        registered = EPOCH - timedelta(seconds=rng.randrange(REGISTRATION_SPAN_S))
        reader = (reader_id, first, last, email, rng.choice(pools.phones), rng.choice(pools.addresses), registered)
        books = []
        for _ in range(rng.randint(0, MAX_BOOKS_PER_READER)):
            book_id += 1
            books.append((book_id, rng.choice(pools.titles), rng.choice(pools.authors), isbn13(rng),
                           rng.randint(1900, 2025), reader_id))
        yield reader, books
