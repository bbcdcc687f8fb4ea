"""The staff page's date pickers: local course time -> RFC 3339 in the course's timezone."""

from __future__ import annotations

import datetime as dt

from autograder.service.pages import local_to_rfc3339, offset_name

SEOUL = dt.timezone(dt.timedelta(hours=9))


def test_a_date_pickers_value_is_the_courses_time():
    assert local_to_rfc3339("2026-12-14T23:59", SEOUL) == "2026-12-14T23:59:00+09:00"
    assert local_to_rfc3339("2026-12-14T23:59:00+00:00", SEOUL) == "2026-12-14T23:59:00+00:00"  # as typed
    assert local_to_rfc3339(None, SEOUL) is None
    assert local_to_rfc3339("next friday", SEOUL) == "next friday"  # refused later, with its reason
    assert offset_name(SEOUL) == "UTC+09:00" and offset_name(dt.timezone(-dt.timedelta(hours=3, minutes=30))) == \
        "UTC-03:30"
