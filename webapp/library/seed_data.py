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


def _weighted_sums(weights: tuple[int, int, int]) -> list[int]:
    """Weighted digit sum of every three-digit group 000..999."""
    return [sum(w * int(d) for w, d in zip(weights, f"{n:03d}", strict=True)) for n in range(1000)]


# ISBN-13 weights alternate 1, 3 from the first digit; after the fixed 978 (sum 38) the nine random
# digits come in three groups weighted 3-1-3, 1-3-1 and 3-1-3.
_SUM_313, _SUM_131 = _weighted_sums((3, 1, 3)), _weighted_sums((1, 3, 1))


def isbn13(rng: random.Random) -> str:
    """A random ISBN-13 (978 prefix) with a valid check digit, from one draw of the generator."""
    n = int(rng.random() * 1_000_000_000)
    check = -(38 + _SUM_313[n // 1_000_000] + _SUM_131[n // 1000 % 1000] + _SUM_313[n % 1000]) % 10
    body = f"{n:09d}"
    return f"978-{body[0]}-{body[1:5]}-{body[5:]}-{check}"


def generate(readers: int, seed: int) -> Iterator[tuple[ReaderRow, list[BookRow]]]:
    """Readers 1..readers, each with its books; the same seed always gives the same rows.

    Every choice is one draw of rng.random() (random.choice is several times slower), and the
    email slugs are worked out once per pool value rather than once per reader.
    """
    pools = Pools.build(seed)
    rng = random.Random(seed)
    draw = rng.random
    first_names, last_names = pools.first_names, pools.last_names
    first_slugs = [ascii_slug(name) or "reader" for name in first_names]
    last_slugs = [ascii_slug(name) or "x" for name in last_names]
    phones, addresses, domains = pools.phones, pools.addresses, pools.domains
    titles, authors = pools.titles, pools.authors
    book_id = 0
    for reader_id in range(1, readers + 1):
        first, last = int(draw() * len(first_names)), int(draw() * len(last_names))
        # The id in the address makes every email unique at any size.
        email = f"{first_slugs[first]}.{last_slugs[last]}.{reader_id}@{domains[int(draw() * len(domains))]}"
        registered = EPOCH - timedelta(seconds=int(draw() * REGISTRATION_SPAN_S))
        reader = (reader_id, first_names[first], last_names[last], email, phones[int(draw() * len(phones))],
                  addresses[int(draw() * len(addresses))], registered)
        books = []
        for _ in range(int(draw() * (MAX_BOOKS_PER_READER + 1))):
            book_id += 1
            books.append((book_id, titles[int(draw() * len(titles))], authors[int(draw() * len(authors))],
                          isbn13(rng), 1900 + int(draw() * 126), reader_id))
        yield reader, books
