"""The library schema: readers and the books they hold. Migrations are generated from this."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, SmallInteger, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Reader(Base):
    __tablename__ = "reader"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    registered_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.utc_timestamp())


class Book(Base):
    __tablename__ = "book"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(255))
    author: Mapped[str] = mapped_column(String(200))
    isbn: Mapped[str] = mapped_column(String(17))
    publication_year: Mapped[int] = mapped_column(SmallInteger)
    # A deleted reader's books go back to the shelves rather than disappearing.
    reader_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("reader.id", ondelete="SET NULL"), index=True)


metadata = Base.metadata
reader_table = Reader.__table__
book_table = Book.__table__
__all__ = ["Base", "Book", "Reader", "book_table", "metadata", "reader_table"]
