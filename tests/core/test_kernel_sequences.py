"""Document numbers: ``SO-2026-00042``, per-period counters, unique and gapless under concurrency."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import update

from tenon.core.errors import TenonError
from tenon.core.models import SequenceCounter, SequenceDef
from tenon.core.sequences import SequenceSpec, next_number

Y2026 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
Y2027 = dt.datetime(2027, 1, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def app(make_app, make_plugin):
    plugin = make_plugin("seqplug", tenon_sequences=lambda app: [
        SequenceSpec(code="seqplug.sales_order", prefix="SO-", date_format="%Y-", padding=5),
        SequenceSpec(code="seqplug.ticket", prefix="T", padding=3),
    ])
    return make_app(plugins=["seqplug"], extra_plugins=[plugin])


def take(app, code: str, at: dt.datetime | None = None) -> str:
    with app.transaction() as s:
        return next_number(s, code, at=at)


def test_numbers_are_formatted_and_counted_per_period(app):
    """The 42nd sales order of 2026 is SO-2026-00042; 2027 starts again at 1 while 2026 carries on."""
    assert take(app, "seqplug.sales_order", Y2026) == "SO-2026-00001"
    with app.transaction() as s:  # forty more orders were numbered in 2026
        s.execute(update(SequenceCounter).where(SequenceCounter.code == "seqplug.sales_order",
                                                SequenceCounter.period == "2026-").values(value=41))
    assert take(app, "seqplug.sales_order", Y2026) == "SO-2026-00042"
    assert take(app, "seqplug.sales_order", Y2027) == "SO-2027-00001"
    assert take(app, "seqplug.sales_order", Y2026) == "SO-2026-00043"


def test_a_sequence_without_date_counts_forever(app):
    assert [take(app, "seqplug.ticket", at) for at in (Y2026, Y2027, None)] == ["T001", "T002", "T003"]


def test_several_numbers_in_one_transaction(app):
    with app.transaction() as s:
        assert [next_number(s, "seqplug.ticket") for _ in range(3)] == ["T001", "T002", "T003"]


def test_a_site_may_change_prefix_and_padding(app):
    assert take(app, "seqplug.ticket") == "T001"
    with app.transaction() as s:
        s.execute(update(SequenceDef).where(SequenceDef.code == "seqplug.ticket").values(prefix="TK/", padding=6))
    assert take(app, "seqplug.ticket") == "TK/000002"


def test_an_unknown_sequence_is_an_error(app):
    with pytest.raises(TenonError) as exc:
        take(app, "seqplug.nothing")
    assert exc.value.code == "SEQUENCE_MISSING" and "seqplug.nothing" in str(exc.value)


def test_a_rolled_back_number_is_handed_out_again(app):
    """The counter moves inside the document's transaction: no document, no number used, no gap."""
    assert take(app, "seqplug.ticket") == "T001"
    with pytest.raises(RuntimeError):
        with app.transaction() as s:
            assert next_number(s, "seqplug.ticket") == "T002"
            raise RuntimeError("the order failed validation")
    assert take(app, "seqplug.ticket") == "T002"


@pytest.mark.postgres_only
def test_concurrent_transactions_never_share_a_number(app):
    """8 threads each take 25 numbers, one transaction per number: 200 distinct numbers, 1 to 200, no gap."""
    taken: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(25):
                with app.transaction() as s:
                    number = next_number(s, "seqplug.sales_order", at=Y2026)
                with lock:
                    taken.append(number)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(taken) == len(set(taken)) == 200
    assert sorted(taken) == [f"SO-2026-{n:05d}" for n in range(1, 201)]
