"""The unit of work: ``app.transaction()`` commits on success and rolls back on any exception;
``Record.version`` makes a stale update fail instead of silently overwriting someone else's change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from tenon.core.access import Actor
from tenon.core.db import Base, Quantity, Record
from tenon.core.models import Setting


class Widget(Record, Base):
    """A table of the tests only (created directly, owned by no plugin)."""

    __tablename__ = "txtest_widget"
    code: Mapped[str] = mapped_column(String(20), unique=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)


@pytest.fixture
def app(make_app):
    app = make_app(plugins=[])
    Widget.__table__.create(app.engine)
    return app


def widgets(app) -> dict[str, tuple[Decimal, int]]:
    with app.transaction() as s:
        return {w.code: (w.quantity, w.version) for w in s.scalars(select(Widget))}


def test_commits_on_success(app):
    with app.transaction() as s:
        s.add(Widget(code="bolt", quantity=Decimal("12.5")))
    assert widgets(app) == {"bolt": (Decimal("12.5"), 1)}


def test_rolls_back_everything_on_an_exception(app):
    class Boom(Exception):
        pass

    with pytest.raises(Boom):  # the caller sees the original exception
        with app.transaction() as s:
            s.add(Widget(code="nut", quantity=Decimal(1)))
            s.add(Setting(key="touched", value=True))
            s.flush()  # even flushed rows go
            raise Boom()
    assert widgets(app) == {}
    with app.transaction() as s:
        assert s.get(Setting, "touched") is None


def test_a_failing_statement_rolls_back_the_earlier_ones(app):
    with app.transaction() as s:
        s.add(Widget(code="dup", quantity=Decimal(1)))
    with pytest.raises(Exception):  # IntegrityError: the second "dup"
        with app.transaction() as s:
            s.add(Widget(code="washer", quantity=Decimal(1)))
            s.flush()
            s.add(Widget(code="dup", quantity=Decimal(2)))
    assert widgets(app) == {"dup": (Decimal(1), 1)}


def test_records_carry_who_and_a_version(app):
    ann = Actor(user_id=None, username="ann")
    bob = Actor(user_id=None, username="bob")
    with app.transaction(actor=ann) as s:
        s.add(Widget(code="gear", quantity=Decimal(3)))
    with app.transaction(actor=bob) as s:
        w = s.scalars(select(Widget)).one()
        w.quantity = Decimal(4)
    with app.transaction() as s:
        w = s.scalars(select(Widget)).one()
        assert (w.created_by, w.updated_by, w.version) == ("ann", "bob", 2)
        assert w.created_at.tzinfo is not None and w.updated_at >= w.created_at


def test_a_stale_update_raises_and_keeps_the_other_change(app):
    """Ann loaded the widget at version 1; Bob changed it meanwhile; Ann's save is refused."""
    with app.transaction() as s:
        s.add(Widget(code="cam", quantity=Decimal(10)))
    ann = app.sessionmaker()
    ann_copy = ann.scalars(select(Widget)).one()
    ann.commit()  # Ann's read is over; she keeps her copy (version 1) on screen
    assert ann_copy.version == 1

    with app.transaction() as s:  # Bob saves first
        s.scalars(select(Widget)).one().quantity = Decimal(11)

    ann_copy.quantity = Decimal(99)
    with pytest.raises(StaleDataError):
        ann.commit()
    ann.close()
    assert widgets(app) == {"cam": (Decimal(11), 2)}


@pytest.mark.postgres_only
def test_concurrent_writers_one_wins_the_other_gets_a_stale_error(app):
    """Both transactions are open at once (READ COMMITTED): the second writer does not overwrite the first."""
    with app.transaction() as s:
        s.add(Widget(code="cam", quantity=Decimal(10)))
    with pytest.raises(StaleDataError):
        with app.transaction() as ann:
            mine = ann.scalars(select(Widget)).one()
            with app.transaction() as bob:
                bob.scalars(select(Widget)).one().quantity = Decimal(11)
            mine.quantity = Decimal(99)
    assert widgets(app) == {"cam": (Decimal(11), 2)}
