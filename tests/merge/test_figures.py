"""Figure groups: one quantity, each claimant's history, the lowest credible current value."""

from __future__ import annotations

import pytest

from sitroom.merge import figure_history, merge_stored
from sitroom.merge._figures import lower_bound, who_key
from sitroom.model import Document, DocumentResult, Figure, Place
from sitroom.store import Store

TOWN = Place(id="p1", name="Marlo", geonameid=123, precision="exact", lat=1.0, lon=2.0)


def add(store: Store, published: str, source: str, *figures: dict[str, object]) -> None:
    text = f"Report from {source} on {published}: {figures}."
    document = Document(text=text, published=published, source=source)
    items = [
        Figure.model_validate(
            {
                "id": f"f{i}",
                "metric": "killed",
                "who": "civilians",
                "place": "p1",
                "text": "x",
                "start": 0,
                "end": 1,
            }
            | f
        )
        for i, f in enumerate(figures)
    ]
    store.add(document, DocumentResult(document=document.info(), figures=items, places=[TOWN]))
    merge_stored(store, document.id)


def test_figures_grouped_with_history_and_conservative_value() -> None:
    store = Store.memory()
    add(store, "2024-03-01", "Wire A", {"value": 12, "claimed_by": "the health ministry"})
    add(store, "2024-03-02", "Wire B", {"value": 9, "qualifier": "at_least", "claimed_by": "UN"})
    add(store, "2024-03-03", "Wire A", {"value": 20, "claimed_by": "the health ministry"})
    add(store, "2024-03-03", "Wire C", {"high": 5, "qualifier": "up_to", "claimed_by": "rebels"})
    with store.engine.connect() as connection:
        [group] = figure_history(connection, metric="killed")
    assert (group.metric, group.place, group.who) == ("killed", "Marlo", "civilian")
    ministry = [c.value for c in group.claims if c.claimant == "the health ministry"]
    assert ministry == [12, 20]  # each claim kept, in time order
    # Latest per claimant: ministry 20, UN at least 9; "up to 5" is no lower bound.
    assert (group.current, group.current_claimant) == (9, "UN")
    assert (group.first_day, group.last_day) == ("2024-03-01", "2024-03-03")


def test_figures_other_period_metric_or_population_is_another_group() -> None:
    store = Store.memory()
    add(store, "2024-03-01", "A", {"value": 12})
    add(store, "2024-06-01", "A", {"value": 40})  # months later: a new period
    add(store, "2024-03-01", "A", {"value": 3, "who": "soldiers"})
    with store.engine.connect() as connection:
        groups = figure_history(connection)
        assert len(groups) == 3
        assert [g.current for g in figure_history(connection, since="2024-05-01")] == [40]


@pytest.mark.parametrize(
    ("claim", "bound"),
    [
        ({"qualifier": "exact", "value": 5.0, "low": None, "high": None}, 5.0),
        ({"qualifier": "range", "value": None, "low": 3.0, "high": 9.0}, 3.0),
        ({"qualifier": "up_to", "value": None, "low": None, "high": 9.0}, None),
        ({"qualifier": "vague", "value": None, "low": None, "high": None}, None),
    ],
)
def test_figures_lower_bound(claim: dict[str, object], bound: float | None) -> None:
    assert lower_bound(claim) == bound


@pytest.mark.parametrize(
    ("who", "key"),
    [("civilians", "civilian"), ("Casualties", "casualty"), (None, ""), ("people", "people")],
)
def test_figures_who_key(who: str | None, key: str) -> None:
    assert who_key(who) == key
