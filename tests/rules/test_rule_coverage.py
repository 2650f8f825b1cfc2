"""The vectorised coverage agrees with the one-flow matcher; shares never exceed the whole."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shadowtrade.reference.hs import known_codes
from shadowtrade.rules.coverage import code_statuses, coverage_table
from shadowtrade.rules.loader import load_rulebook
from shadowtrade.rules.matching import match_code, status_of

RULES = [r for r in load_rulebook().rules if r.evaluates_flows]
CODES = sorted(known_codes("HS17") & known_codes("HS22"))


@settings(max_examples=300, deadline=None)
@given(rule=st.sampled_from(RULES), code=st.sampled_from(CODES))
def test_vectorised_status_equals_single_match(rule, code: str) -> None:
    vector = code_statuses(rule, np.array([code]))[0]
    found = match_code(rule, code)
    single = "" if found is None else status_of(rule, found).value
    assert vector == single, (rule.id, code)


def test_statuses_agree_on_every_code_of_the_textile_and_chpl_rules() -> None:
    book = load_rulebook()
    for rule_id in ("UN-KP-2375-16-TEXTILES", "EU-RU-CHPL-EXPORT-BAN", "EU-KP-AVFUEL"):
        rule = book.get(rule_id)
        codes = np.array(sorted(known_codes("HS22")))
        vector = code_statuses(rule, codes)
        for code, status in zip(codes, vector, strict=True):
            found = match_code(rule, str(code))
            assert status == ("" if found is None else status_of(rule, found).value), (rule_id, code)


def test_shares_of_a_code_never_exceed_one() -> None:
    table = coverage_table(["HS17"], (2022, 2023), [("RU", "to_target"), ("RU", "from_target")]).to_pandas()
    sums = table.groupby(["hs_code", "year", "direction", "authority"])["share"].sum()
    assert sums.max() <= 1.0 + 1e-9
    assert (table["share"] > 0).all()
