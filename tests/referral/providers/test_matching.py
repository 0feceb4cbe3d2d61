"""Provider matching: the hard rules exclude with their reasons, the rest are ranked."""

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_svc.providers.matching import (
    CaseForMatching,
    Directory,
    ProviderFacts,
    check_referable,
    match,
)
from shared.geo import COUNTIES

TODAY = date(2025, 3, 1)
ADULT = CaseForMatching(is_child=False, gender="female", county="RO-CJ")
CHILD = CaseForMatching(is_child=True, gender="female", county="RO-CJ")


def provider(provider_id: str = "p1", **changes: object) -> ProviderFacts:
    """A provider that takes an adult woman in Cluj for shelter and psychological help."""
    base = ProviderFacts(
        id=provider_id,
        name=f"Provider {provider_id}",
        kind="ngo",
        services=frozenset({"shelter", "psychological"}),
        counties=frozenset({"RO-CJ"}),
        accepts_adults=True,
        accepts_children=False,
        free_capacity={"shelter": 3},
        accreditation_valid_until=TODAY + timedelta(days=365),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def excluded_reasons(case: CaseForMatching, needs: set[str], p: ProviderFacts) -> tuple[str, ...]:
    result = match(case, needs, [p], today=TODAY)
    assert not result.matches
    return result.excluded[p.id]


def order(case: CaseForMatching, needs: set[str], providers: list[ProviderFacts]) -> list[str]:
    return [m.provider_id for m in match(case, needs, providers, today=TODAY).matches]


# Hard rules


def test_a_provider_passing_every_rule_matches_with_the_reasons_of_its_score() -> None:
    result = match(ADULT, {"shelter"}, [provider()], today=TODAY)

    assert [m.provider_id for m in result.matches] == ["p1"]
    assert result.matches[0].reasons == ("same_county", "free_capacity:3")
    assert not result.excluded


def test_an_inactive_provider_is_excluded() -> None:
    assert excluded_reasons(ADULT, {"shelter"}, provider(active=False)) == ("inactive",)


def test_an_accreditation_that_ended_before_the_day_excludes() -> None:
    expired = provider(accreditation_valid_until=TODAY - timedelta(days=1))

    assert excluded_reasons(ADULT, {"shelter"}, expired) == ("not_accredited",)


def test_an_accreditation_valid_until_the_day_itself_still_counts() -> None:
    p = provider(accreditation_valid_until=TODAY)

    assert match(ADULT, {"shelter"}, [p], today=TODAY).matches


def test_a_provider_without_accreditation_is_not_accredited() -> None:
    p = provider(accreditation_valid_until=None)

    assert excluded_reasons(ADULT, {"shelter"}, p) == ("not_accredited",)


def test_each_needed_service_not_offered_is_a_reason() -> None:
    reasons = excluded_reasons(ADULT, {"psychological", "medical", "legal"}, provider())

    assert reasons == ("service_not_offered:legal", "service_not_offered:medical")


def test_a_provider_not_covering_the_county_is_excluded() -> None:
    elsewhere = provider(counties=frozenset({"RO-IS"}))

    assert excluded_reasons(ADULT, {"shelter"}, elsewhere) == ("county_not_covered",)


def test_a_national_provider_covers_every_county() -> None:
    national = provider(counties=frozenset(), national=True)

    assert match(ADULT, {"shelter"}, [national], today=TODAY).matches


def test_a_provider_abroad_covers_no_county_in_romania() -> None:
    abroad = provider(counties=frozenset(), countries=frozenset({"IT"}))

    assert excluded_reasons(ADULT, {"psychological"}, abroad) == ("county_not_covered",)


def test_a_provider_for_children_only_does_not_take_an_adult() -> None:
    p = provider(accepts_adults=False, accepts_children=True)

    assert excluded_reasons(ADULT, {"shelter"}, p) == ("age_group_not_accepted",)


def test_a_provider_for_adults_only_does_not_take_a_child() -> None:
    p = provider(services=frozenset({"shelter", "child_protection"}))

    assert excluded_reasons(CHILD, {"shelter"}, p) == ("age_group_not_accepted",)


def test_a_provider_for_one_gender_does_not_take_another() -> None:
    p = provider(genders=frozenset({"male"}))

    assert excluded_reasons(ADULT, {"shelter"}, p) == ("gender_not_accepted",)


def test_a_provider_without_gender_limits_takes_every_gender() -> None:
    man = replace(ADULT, gender="male")

    assert match(man, {"shelter"}, [provider()], today=TODAY).matches


def test_an_unrecorded_gender_excludes_nobody() -> None:
    unknown = replace(ADULT, gender=None)
    p = provider(genders=frozenset({"male"}))

    assert match(unknown, {"shelter"}, [p], today=TODAY).matches


@pytest.mark.parametrize("service", ["shelter", "secure_shelter"])
def test_a_residential_service_without_a_free_place_excludes(service: str) -> None:
    full = provider(services=frozenset({service}), free_capacity={service: 0})

    assert excluded_reasons(ADULT, {service}, full) == (f"no_free_capacity:{service}",)


def test_capacity_binds_only_when_a_residential_service_is_needed() -> None:
    full = provider(free_capacity={"shelter": 0})

    assert match(ADULT, {"psychological"}, [full], today=TODAY).matches


def test_a_residential_service_not_offered_is_reported_once_as_not_offered() -> None:
    p = provider(services=frozenset({"shelter"}))

    reasons = excluded_reasons(ADULT, {"shelter", "secure_shelter"}, p)

    assert reasons == ("service_not_offered:secure_shelter",)


def test_a_child_is_matched_only_to_providers_offering_child_protection() -> None:
    p = provider(accepts_children=True)

    assert excluded_reasons(CHILD, {"shelter"}, p) == ("child_protection_required",)


HIGH_RISK = replace(ADULT, safety_level="high", exploiters_county="RO-CJ")


def test_at_high_safety_risk_no_shelter_only_in_the_exploiters_county() -> None:
    assert excluded_reasons(HIGH_RISK, {"shelter"}, provider()) == ("exploiters_county_shelter",)


def test_at_high_safety_risk_a_shelter_covering_other_counties_too_may_match() -> None:
    wider = provider(counties=frozenset({"RO-CJ", "RO-BH"}))
    national = provider("p2", counties=frozenset(), national=True)

    assert order(HIGH_RISK, {"shelter"}, [wider, national]) == ["p1", "p2"]


def test_the_exploiters_county_rule_binds_only_shelters_at_high_safety_risk() -> None:
    medium = replace(HIGH_RISK, safety_level="medium")

    assert match(medium, {"shelter"}, [provider()], today=TODAY).matches
    assert match(HIGH_RISK, {"psychological"}, [provider()], today=TODAY).matches


def test_an_excluded_provider_reports_every_rule_it_fails_in_rule_order() -> None:
    p = provider(
        active=False,
        accreditation_valid_until=None,
        services=frozenset({"shelter"}),
        counties=frozenset({"RO-IS"}),
        accepts_children=False,
        genders=frozenset({"male"}),
        free_capacity={"shelter": 0},
    )
    child_at_risk = replace(CHILD, safety_level="high", exploiters_county="RO-IS")

    reasons = excluded_reasons(child_at_risk, {"shelter", "medical"}, p)

    assert reasons == (
        "inactive",
        "not_accredited",
        "service_not_offered:medical",
        "county_not_covered",
        "age_group_not_accepted",
        "gender_not_accepted",
        "no_free_capacity:shelter",
        "child_protection_required",
        "exploiters_county_shelter",
    )


# Ranking


def test_nearer_coverage_ranks_first_county_then_region_then_wider_then_national() -> None:
    providers = [
        provider("national", counties=frozenset(), national=True),
        provider("several", counties=frozenset({"RO-CJ", "RO-B"})),
        provider("region", counties=frozenset({"RO-CJ", "RO-BH", "RO-SM"})),
        provider("county"),
    ]

    result = match(ADULT, {"psychological"}, providers, today=TODAY)

    assert [(m.provider_id, m.reasons[0]) for m in result.matches] == [
        ("county", "same_county"),
        ("region", "same_region"),
        ("several", "several_regions"),
        ("national", "national"),
    ]


def test_nearness_outranks_every_other_criterion() -> None:
    national = provider(
        "a",
        counties=frozenset(),
        national=True,
        languages=frozenset({"hu"}),
        specialisations=frozenset({"labour"}),
        free_capacity={"shelter": 9},
        median_response_hours=1.0,
    )
    local = provider("b", free_capacity={"shelter": 1})
    case = replace(ADULT, languages=frozenset({"hu"}), exploitation_forms=frozenset({"labour"}))

    assert order(case, {"shelter"}, [national, local]) == ["b", "a"]


def test_speaking_the_persons_language_outranks_specialisation() -> None:
    case = replace(
        ADULT,
        languages=frozenset({"hu", "en"}),
        exploitation_forms=frozenset({"labour", "sexual"}),
    )
    speaks = provider("b", languages=frozenset({"ro", "hu"}))
    specialised = provider("a", specialisations=frozenset({"labour", "sexual"}))

    result = match(case, {"shelter"}, [specialised, speaks], today=TODAY)

    assert [m.provider_id for m in result.matches] == ["b", "a"]
    assert "speaks:hu" in result.matches[0].reasons
    assert {"specialised:labour", "specialised:sexual"} <= set(result.matches[1].reasons)


def test_specialisation_in_the_exploitation_form_outranks_free_capacity() -> None:
    case = replace(ADULT, exploitation_forms=frozenset({"labour"}))
    specialised = provider("b", specialisations=frozenset({"labour"}), free_capacity={"shelter": 1})
    roomier = provider("a", free_capacity={"shelter": 9})

    assert order(case, {"shelter"}, [roomier, specialised]) == ["b", "a"]


def test_more_free_places_outrank_a_quicker_answer() -> None:
    roomier = provider("b", free_capacity={"shelter": 5})
    quicker = provider("a", free_capacity={"shelter": 2}, median_response_hours=1.0)

    result = match(ADULT, {"shelter"}, [quicker, roomier], today=TODAY)

    assert [m.provider_id for m in result.matches] == ["b", "a"]
    assert result.matches[0].reasons[-1] == "free_capacity:5"


def test_free_capacity_counts_the_scarcest_residential_service_needed() -> None:
    p = provider(
        services=frozenset({"shelter", "secure_shelter"}),
        free_capacity={"shelter": 7, "secure_shelter": 2},
    )

    result = match(ADULT, {"shelter", "secure_shelter"}, [p], today=TODAY)

    assert "free_capacity:2" in result.matches[0].reasons


def test_a_provider_answering_within_a_day_ranks_above_a_slower_one() -> None:
    quick = provider("b", median_response_hours=24.0)
    slow = provider("a", median_response_hours=30.0)
    unknown = provider("0", median_response_hours=None)

    result = match(ADULT, {"psychological"}, [unknown, slow, quick], today=TODAY)

    assert [m.provider_id for m in result.matches] == ["b", "0", "a"]
    assert result.matches[0].reasons[-1] == "responds_quickly"


def test_equal_scores_are_ordered_by_provider_id() -> None:
    providers = [provider(pid) for pid in ("c", "a", "b")]

    assert order(ADULT, {"shelter"}, providers) == ["a", "b", "c"]


def test_the_child_protection_service_of_the_childs_county_comes_first() -> None:
    case = replace(CHILD, languages=frozenset({"hu"}))
    takes_children = provider(
        services=frozenset({"child_protection", "shelter"}), accepts_children=True
    )
    dgaspc = replace(takes_children, id="z", kind="child_protection", median_response_hours=90.0)
    ngo = replace(takes_children, id="a", languages=frozenset({"hu"}), median_response_hours=1.0)
    national_cp = replace(takes_children, id="b", kind="child_protection", national=True)

    result = match(case, {"shelter"}, [ngo, national_cp, dgaspc], today=TODAY)

    assert [m.provider_id for m in result.matches] == ["z", "a", "b"]
    assert result.matches[0].reasons[0] == "county_child_protection"


def test_the_score_orders_the_matches() -> None:
    result = match(ADULT, {"shelter"}, _directory(random.Random(7), 300), today=TODAY)

    scores = [m.score for m in result.matches]
    assert scores == sorted(scores, reverse=True)


# The result


def test_limit_caps_the_matches_but_never_the_exclusions() -> None:
    providers = [provider(f"p{i}") for i in range(5)] + [provider("x", active=False)]

    result = match(ADULT, {"shelter"}, providers, today=TODAY, limit=2)

    assert [m.provider_id for m in result.matches] == ["p0", "p1"]
    assert list(result.excluded) == ["x"]


def test_a_negative_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        match(ADULT, {"shelter"}, [], today=TODAY, limit=-1)


def test_to_dict_has_the_shape_of_the_public_contract() -> None:
    providers = [provider(), provider("p2", active=False)]

    body = match(ADULT, {"shelter"}, providers, today=TODAY).to_dict()

    assert body == {
        "matches": [
            {
                "provider_id": "p1",
                "name": "Provider p1",
                "score": 30_030,
                "reasons": ["same_county", "free_capacity:3"],
            }
        ],
        "matches_total": 1,
        "excluded": [{"provider_id": "p2", "reasons": ["inactive"]}],
        "excluded_total": 1,
        "excluded_by_reason": {"inactive": 1},
    }


def test_the_nearby_exclusions_are_those_near_the_person_offering_every_need() -> None:
    far = provider("far", counties=frozenset({"RO-IS"}), active=False)
    full = provider("full", free_capacity={"shelter": 0})
    elsewhere_in_kind = provider("legal", services=frozenset({"legal"}))
    directory = [provider(), far, full, elsewhere_in_kind]

    nearby = match(ADULT, {"shelter"}, directory, today=TODAY, listed="nearby").to_dict()
    every = match(ADULT, {"shelter"}, directory, today=TODAY, listed="all").to_dict()

    # Near the person and offering the shelter, but full: listed. Not covering the county,
    # or not offering a shelter at all: counted only.
    assert nearby["excluded"] == [{"provider_id": "full", "reasons": ["no_free_capacity:shelter"]}]
    assert [e["provider_id"] for e in every["excluded"]] == ["far", "full", "legal"]
    # Counted alike, listed or not.
    for answer in (nearby, every):
        assert answer["excluded_total"] == 3
        assert answer["excluded_by_reason"] == {
            "county_not_covered": 1,
            "inactive": 1,
            "no_free_capacity:shelter": 1,
            "service_not_offered:shelter": 1,
        }
    assert nearby["matches"] == every["matches"]


# Referral checks


def test_a_referral_may_go_outside_coverage_capacity_and_gender_limits() -> None:
    p = provider(
        counties=frozenset({"RO-IS"}), genders=frozenset({"male"}), free_capacity={"shelter": 0}
    )

    assert check_referable(HIGH_RISK, {"shelter"}, p, TODAY) == []


def test_a_referral_needs_an_active_accredited_provider_of_the_services_and_age_group() -> None:
    p = provider(active=False, accreditation_valid_until=None, services=frozenset({"legal"}))

    assert check_referable(CHILD, {"shelter", "legal"}, p, TODAY) == [
        "inactive",
        "not_accredited",
        "service_not_offered:shelter",
        "age_group_not_accepted",
    ]


# Properties

SERVICES = ("shelter", "secure_shelter", "medical", "psychological", "legal", "child_protection")
FORMS = ("sexual", "labour", "begging")
LANGUAGES = ("ro", "hu", "en")
COUNTY_CODES = ("RO-CJ", "RO-BH", "RO-B", "RO-IS")


def _subset(rng: random.Random, items: tuple[str, ...]) -> frozenset[str]:
    return frozenset(i for i in items if rng.random() < 0.5)


def _directory(rng: random.Random, size: int) -> list[ProviderFacts]:
    return [
        ProviderFacts(
            id=f"p{i:04d}",
            name=f"Provider {i}",
            kind=rng.choice(("ngo", "child_protection", "medical")),
            services=_subset(rng, SERVICES),
            counties=_subset(rng, COUNTY_CODES),
            national=rng.random() < 0.1,
            accepts_adults=rng.random() < 0.8,
            accepts_children=rng.random() < 0.5,
            genders=rng.choice((frozenset(), frozenset({"female"}), frozenset({"male"}))),
            languages=_subset(rng, LANGUAGES),
            free_capacity={s: rng.randint(0, 4) for s in ("shelter", "secure_shelter")},
            accreditation_valid_until=TODAY + timedelta(days=rng.randint(-30, 30)),
            active=rng.random() < 0.9,
            specialisations=_subset(rng, FORMS),
            median_response_hours=rng.choice((None, 1.0, 20.0, 48.0)),
        )
        for i in range(size)
    ]


cases = st.builds(
    CaseForMatching,
    is_child=st.booleans(),
    gender=st.sampled_from(("female", "male", None)),
    county=st.sampled_from(sorted(COUNTIES)),
    languages=st.frozensets(st.sampled_from(LANGUAGES)),
    exploitation_forms=st.frozensets(st.sampled_from(FORMS)),
    exploiters_county=st.sampled_from((None, *COUNTY_CODES)),
    safety_level=st.sampled_from((None, "low", "medium", "high")),
)
needs = st.frozensets(st.sampled_from(SERVICES), min_size=1, max_size=3)


@given(case=cases, needed=needs, seed=st.integers(0, 2**32))
def test_matching_is_deterministic_whatever_the_directory_order(
    case: CaseForMatching, needed: frozenset[str], seed: int
) -> None:
    rng = random.Random(seed)
    providers = _directory(rng, 60)
    shuffled = rng.sample(providers, len(providers))

    first = match(case, needed, providers, today=TODAY)
    again = match(case, needed, shuffled, today=TODAY)

    assert first.matches == again.matches
    assert dict(first.excluded) == dict(again.excluded)


@given(case=cases, needed=needs, seed=st.integers(0, 2**32))
def test_every_provider_is_either_matched_or_excluded_with_a_reason(
    case: CaseForMatching, needed: frozenset[str], seed: int
) -> None:
    providers = _directory(random.Random(seed), 60)

    result = match(case, needed, providers, today=TODAY)

    matched = {m.provider_id for m in result.matches}
    assert matched.isdisjoint(result.excluded)
    assert matched | set(result.excluded) == {p.id for p in providers}
    assert all(result.excluded.values())


@given(case=cases, needed=needs, seed=st.integers(0, 2**32))
def test_what_bars_a_referral_also_excludes_from_the_matches(
    case: CaseForMatching, needed: frozenset[str], seed: int
) -> None:
    for p in _directory(random.Random(seed), 20):
        barred = check_referable(case, needed, p, TODAY)
        excluded = match(case, needed, [p], today=TODAY).excluded.get(p.id, ())
        assert set(barred) <= set(excluded)


@given(
    case=cases,
    needed=needs,
    seed=st.integers(0, 2**32),
    listed=st.sampled_from(("nearby", "all")),
    limit=st.sampled_from((None, 0, 1, 5)),
)
def test_the_indexed_directory_answers_what_matching_every_provider_answers(
    case: CaseForMatching, needed: frozenset[str], seed: int, listed: str, limit: int | None
) -> None:
    rng = random.Random(seed)
    providers = _directory(rng, 80)
    directory = Directory(providers)
    # Places move after the index is made: a full shelter frees up, a free one fills.
    for position in rng.sample(range(len(providers)), 10):
        places = {s: rng.randint(0, 2) for s in ("shelter", "secure_shelter")}
        providers[position] = replace(providers[position], free_capacity=places)
        directory.replace(providers[position])
    for day in (TODAY, TODAY + timedelta(days=20)):
        expected = match(case, needed, providers, today=day, limit=limit, listed=listed)  # type: ignore[arg-type]
        indexed = directory.match(case, needed, today=day, limit=limit, listed=listed)  # type: ignore[arg-type]
        assert indexed == expected
    covering = {p.id for p in directory.covering(case.county)}
    assert covering == {p.id for p in providers if p.national or case.county in p.counties}
