"""Publication dates: ISO 8601 out, precision kept, unreadable input refused clearly."""

from __future__ import annotations

import pytest

from sitroom.ingest import normalise_published


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-02-25", "2022-02-25"),
        ("20220225", "2022-02-25"),
        ("  2022-02-25 ", "2022-02-25"),
        ("2025-03-14 20:30:26Z", "2025-03-14T20:30:26+00:00"),
        ("2025-03-14T20:30:26+02:00", "2025-03-14T20:30:26+02:00"),
        ("2025-03-14T20:30:26.123456+02:00", "2025-03-14T20:30:26+02:00"),
        ("2025-03-14T20:30", "2025-03-14T20:30:00"),  # no zone given: none invented
        ("Fri, 25 Feb 2022 10:30:00 GMT", "2022-02-25T10:30:00+00:00"),
        ("Fri, 25 Feb 2022 10:30:00 +0300", "2022-02-25T10:30:00+03:00"),
        ("25 February 2022", "2022-02-25"),
        ("February 25th, 2022", "2022-02-25"),
        ("Feb 25, 2022 10:30 AM EST", "2022-02-25T10:30:00-05:00"),
        ("February 25, 2022 10:30 PM", "2022-02-25T22:30:00"),
        ("25.02.2022 14:00 +0300", "2022-02-25T14:00:00+03:00"),
    ],
)
def test_normalise_published(value: str, expected: str) -> None:
    assert normalise_published(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "   ", "garbage", "yesterday", "2 hours ago", "Thursday", "March 2024", "2022"],
)
def test_normalise_published_refuses(value: str) -> None:
    with pytest.raises(ValueError, match=r"publication date.*2022-02-25"):
        normalise_published(value)


def test_normalise_published_message_names_the_value() -> None:
    with pytest.raises(ValueError, match="'next Tuesday-ish'"):
        normalise_published("next Tuesday-ish")
