"""Provider matching: which providers may take a case for the services it needs, best first.

A pure function of (case facts, needs, providers, date). Hard rules exclude a provider and
say every rule it fails; the providers left are scored, and each score comes with the
reasons behind it. `check_referable` applies the subset of the same rules that binds a
referral made outside the matches (coverage and ranking are advice only, referral.md).

Speed matters: the directory can hold tens of thousands of providers, and every rule runs
on every provider because an excluded provider reports all its failures. So the case is
compiled once per call into a `_Query` (needs sorted, reason strings built, the rules that
cannot fail for this case switched off), the rules run in one function call per provider,
and they append to one reused list; only an excluded provider's reasons become a tuple.
"""

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Literal, TypedDict

from referral_svc.providers.regions import REGION_COUNTIES, REGION_OF_COUNTY
from referral_svc.referrals.states import RESPONSE_TIME, Urgency

RESIDENTIAL_SERVICES = frozenset({"shelter", "secure_shelter"})
CHILD_PROTECTION = "child_protection"

INACTIVE = "inactive"
NOT_ACCREDITED = "not_accredited"
COUNTY_NOT_COVERED = "county_not_covered"
AGE_GROUP_NOT_ACCEPTED = "age_group_not_accepted"
GENDER_NOT_ACCEPTED = "gender_not_accepted"
CHILD_PROTECTION_REQUIRED = "child_protection_required"
EXPLOITERS_COUNTY_SHELTER = "exploiters_county_shelter"

# A provider whose median answer comes within the deadline of a `high` urgency referral.
_QUICK_RESPONSE_HOURS = RESPONSE_TIME[Urgency.HIGH].total_seconds() / 3600

# Ranking is lexicographic over the criteria of referral.md; each criterion gets its own
# decimal place in the score, and counted criteria are capped below 10, so comparing
# scores compares criteria in order and the score a client sees explains the order.
_COUNTY_CHILD_PROTECTION_POINTS = 100_000
_TIER_POINTS = 10_000
_LANGUAGE_POINTS = 1_000
_SPECIALISATION_POINTS = 100
_CAPACITY_POINTS = 10
_RESPONSE_POINTS = 1
_COUNT_CAP = 9

# Nearness tiers, best first: (points multiplier, reason).
_SAME_COUNTY = (3, "same_county")
_SAME_REGION = (2, "same_region")
_SEVERAL_REGIONS = (1, "several_regions")
_NATIONAL = (0, "national")


@dataclass(frozen=True, slots=True)
class CaseForMatching:
    """What matching may know of a case; never a name or another personal detail."""

    is_child: bool
    gender: str | None  # None when not recorded: no provider is excluded for gender then
    county: str  # where the person is now
    languages: frozenset[str] = frozenset()
    exploitation_forms: frozenset[str] = frozenset()
    exploiters_county: str | None = None
    safety_level: str | None = None  # the risk assessment's safety domain: low, medium, high


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    """A provider as matching sees it; defaults are the cautious ones (not for children,
    not accredited)."""

    id: str
    name: str
    kind: str
    services: frozenset[str]
    counties: frozenset[str] = frozenset()
    national: bool = False
    # Coverage abroad. Matching places a person in Romania, so a provider abroad covers no
    # county and is referred to outside the matches (referral.md).
    countries: frozenset[str] = frozenset()
    accepts_adults: bool = True
    accepts_children: bool = False
    genders: frozenset[str] = frozenset()  # empty: all genders
    languages: frozenset[str] = frozenset()
    free_capacity: Mapping[str, int] = field(default_factory=dict, hash=False)
    accreditation_valid_until: date | None = None
    active: bool = True
    specialisations: frozenset[str] = frozenset()  # exploitation forms
    median_response_hours: float | None = None  # None: no answered referral yet


@dataclass(frozen=True, slots=True)
class Match:
    provider_id: str
    name: str
    score: int
    reasons: tuple[str, ...]


class MatchEntry(TypedDict):
    provider_id: str
    name: str
    score: int
    reasons: list[str]


class ExclusionEntry(TypedDict):
    provider_id: str
    reasons: list[str]


class MatchResultDict(TypedDict):
    matches: list[MatchEntry]
    matches_total: int
    excluded: list[ExclusionEntry]
    excluded_total: int
    excluded_by_reason: dict[str, int]


# Which excluded providers an answer lists: those near the person that offer every service
# needed but fail another rule (cover the person's county or the whole country: a full
# shelter, one not taking children, an accreditation lapsed) — the ones a practitioner can
# act on or ask about — or all.
Listed = Literal["nearby", "all"]


@dataclass(frozen=True, slots=True)
class MatchResult:
    matches: tuple[Match, ...]  # best first, at most the limit asked for
    matches_total: int  # how many providers match, listed or not
    # The excluded providers listed (all, or those nearby): provider id -> every rule it
    # fails, in input order.
    excluded: Mapping[str, tuple[str, ...]]
    # How many providers are excluded, listed or not, and how many fail each rule (one
    # failing several counts under each), most first, ties by reason.
    excluded_total: int
    excluded_by_reason: Mapping[str, int]

    def to_dict(self) -> MatchResultDict:
        return {
            "matches": [
                {
                    "provider_id": m.provider_id,
                    "name": m.name,
                    "score": m.score,
                    "reasons": list(m.reasons),
                }
                for m in self.matches
            ],
            "matches_total": self.matches_total,
            "excluded": [
                {"provider_id": provider_id, "reasons": list(reasons)}
                for provider_id, reasons in self.excluded.items()
            ],
            "excluded_total": self.excluded_total,
            "excluded_by_reason": dict(self.excluded_by_reason),
        }


@dataclass(frozen=True, slots=True)
class _Query:
    """One call's case and needs, prepared once so the rules do the least per provider.

    The `*_binds` flags say which advisory rules apply: all that can fail for this case when
    matching, none when checking a referral made by hand.
    """

    today: date
    is_child: bool
    gender: str | None
    county: str
    needs: frozenset[str]
    needs_in_order: tuple[str, ...]
    residential_needs: tuple[str, ...]
    not_offered: Mapping[str, str]
    no_capacity: Mapping[str, str]
    exploiters_county_only: frozenset[str]
    coverage_binds: bool
    gender_binds: bool
    capacity_binds: bool
    child_protection_binds: bool
    exploiters_county_binds: bool


def _query(case: CaseForMatching, needs: Collection[str], today: date, *, matching: bool) -> _Query:
    needs_in_order = tuple(sorted(set(needs)))
    residential_needs = tuple(s for s in needs_in_order if s in RESIDENTIAL_SERVICES)
    return _Query(
        today=today,
        is_child=case.is_child,
        gender=case.gender,
        county=case.county,
        needs=frozenset(needs_in_order),
        needs_in_order=needs_in_order,
        residential_needs=residential_needs,
        not_offered={s: f"service_not_offered:{s}" for s in needs_in_order},
        no_capacity={s: f"no_free_capacity:{s}" for s in residential_needs},
        exploiters_county_only=frozenset(
            () if case.exploiters_county is None else (case.exploiters_county,)
        ),
        coverage_binds=matching,
        gender_binds=matching and case.gender is not None,
        capacity_binds=matching and bool(residential_needs),
        child_protection_binds=matching and case.is_child,
        exploiters_county_binds=(
            matching
            and bool(residential_needs)
            and case.safety_level == "high"
            and case.exploiters_county is not None
        ),
    )


def _failed_rules(q: _Query, p: ProviderFacts, out: list[str]) -> None:
    """Append to `out` the reason of every hard rule `p` fails, in the order of referral.md.

    One function, not one per rule: it runs for every provider in every match, and a loop
    over per-rule functions measured a third slower (bench/bench_matching.py).
    """
    # 1. Active and accredited on the day.
    if not p.active:
        out.append(INACTIVE)
    valid_until = p.accreditation_valid_until
    if valid_until is None or valid_until < q.today:
        out.append(NOT_ACCREDITED)
    # 2. Offers every service needed.
    services = p.services
    if not q.needs <= services:
        for service in q.needs_in_order:
            if service not in services:
                out.append(q.not_offered[service])
    # 3. Covers the person's county, or the whole country.
    if q.coverage_binds and not p.national and q.county not in p.counties:
        out.append(COUNTY_NOT_COVERED)
    # 4. Takes the person's age group and gender.
    if not (p.accepts_children if q.is_child else p.accepts_adults):
        out.append(AGE_GROUP_NOT_ACCEPTED)
    if q.gender_binds and p.genders and q.gender not in p.genders:
        out.append(GENDER_NOT_ACCEPTED)
    # 5. A free place in each residential service needed (one not offered is reported by 2).
    if q.capacity_binds:
        for service in q.residential_needs:
            if service in services and _no_free_place(p, service):
                out.append(q.no_capacity[service])
    # 6. A child is matched only to providers offering child protection.
    if q.child_protection_binds and CHILD_PROTECTION not in services:
        out.append(CHILD_PROTECTION_REQUIRED)
    # 7. At high safety risk, no shelter only in the county where the exploiters operate; a
    # provider covering other counties too can place the person outside it.
    if (
        q.exploiters_county_binds
        and not p.national
        and p.counties == q.exploiters_county_only
        and not services.isdisjoint(q.residential_needs)
    ):
        out.append(EXPLOITERS_COUNTY_SHELTER)


def _nearby(q: _Query, p: ProviderFacts) -> bool:
    """Whether an excluded provider is one the answer lists by default (`Listed`)."""
    return (p.national or q.county in p.counties) and q.needs <= p.services


def _nearness(p: ProviderFacts, region_counties: frozenset[str]) -> tuple[int, str]:
    if p.national:
        return _NATIONAL
    if len(p.counties) == 1:  # an eligible provider covers the person's county
        return _SAME_COUNTY
    if p.counties <= region_counties:
        return _SAME_REGION
    return _SEVERAL_REGIONS


def _rank(
    case: CaseForMatching,
    p: ProviderFacts,
    residential_needs: tuple[str, ...],
    region_counties: frozenset[str],
) -> tuple[int, tuple[str, ...]]:
    """An eligible provider's score and the reasons behind it, weightiest first."""
    reasons: list[str] = []
    score = 0
    nearness = _nearness(p, region_counties)
    if case.is_child and p.kind == CHILD_PROTECTION and nearness == _SAME_COUNTY:
        # Rule 6: the child-protection service of the child's county comes first.
        score += _COUNTY_CHILD_PROTECTION_POINTS
        reasons.append("county_child_protection")
    tier, tier_reason = nearness
    score += tier * _TIER_POINTS
    reasons.append(tier_reason)
    spoken = sorted(case.languages & p.languages)
    if spoken:
        score += _LANGUAGE_POINTS
        reasons.extend(f"speaks:{language}" for language in spoken)
    specialised = sorted(case.exploitation_forms & p.specialisations)
    if specialised:
        score += min(len(specialised), _COUNT_CAP) * _SPECIALISATION_POINTS
        reasons.extend(f"specialised:{form}" for form in specialised)
    if residential_needs:
        free = min(p.free_capacity.get(s, 0) for s in residential_needs)
        score += min(free, _COUNT_CAP) * _CAPACITY_POINTS
        reasons.append(f"free_capacity:{free}")
    hours = p.median_response_hours
    if hours is not None and hours <= _QUICK_RESPONSE_HOURS:
        score += _RESPONSE_POINTS
        reasons.append("responds_quickly")
    return score, tuple(reasons)


def match(
    case: CaseForMatching,
    needs: Collection[str],
    providers: Sequence[ProviderFacts],
    *,
    today: date,
    limit: int | None = None,
    listed: Listed = "all",
) -> MatchResult:
    """Every provider either matches (scored, best first, ties by id) or is excluded with
    every hard rule it fails. `limit` caps the matches returned; `listed` says which
    exclusions are kept with their rules (all are counted). Only those listed are kept:
    at national size most of the directory is excluded for not covering the county, and
    keeping each of them was most of a match's time and memory."""
    q = _query(case, needs, today, matching=True)
    excluded: dict[str, tuple[str, ...]] = {}
    counted: dict[str, int] = {}
    excluded_total = 0
    list_all = listed == "all"
    eligible: list[ProviderFacts] = []
    failed: list[str] = []
    for provider in providers:
        _failed_rules(q, provider, failed)
        if failed:
            excluded_total += 1
            for reason in failed:
                counted[reason] = counted.get(reason, 0) + 1
            if list_all or _nearby(q, provider):
                excluded[provider.id] = tuple(failed)
            failed.clear()
        else:
            eligible.append(provider)
    return _result(case, q, eligible, excluded, counted, excluded_total, limit)


def _result(
    case: CaseForMatching,
    q: _Query,
    eligible: Sequence[ProviderFacts],
    excluded: Mapping[str, tuple[str, ...]],
    counted: Mapping[str, int],
    excluded_total: int,
    limit: int | None,
) -> MatchResult:
    """The eligible providers ranked, with the exclusions as found."""
    if limit is not None and limit < 0:
        raise ValueError("limit must not be negative")
    region = REGION_OF_COUNTY.get(case.county)
    region_counties = REGION_COUNTIES[region] if region is not None else frozenset()
    ranked = sorted(
        ((*_rank(case, p, q.residential_needs, region_counties), p) for p in eligible),
        key=lambda row: (-row[0], row[2].id),
    )
    return MatchResult(
        matches=tuple(Match(p.id, p.name, score, reasons) for score, reasons, p in ranked[:limit]),
        matches_total=len(ranked),
        excluded=MappingProxyType(dict(excluded)),
        excluded_total=excluded_total,
        excluded_by_reason=MappingProxyType(
            dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))
        ),
    )


def check_referable(
    case: CaseForMatching, services: Collection[str], provider: ProviderFacts, today: date
) -> list[str]:
    """The reasons a referral of this case to this provider may not be created (empty: it
    may): inactive, unaccredited, a service not offered, the age group not taken."""
    failed: list[str] = []
    _failed_rules(_query(case, services, today, matching=False), provider, failed)
    return failed


def _no_free_place(p: ProviderFacts, service: str) -> bool:
    return p.free_capacity.get(service, 0) <= 0


def _bits(positions: Iterable[int], size: int) -> int:
    """The set of `positions` (each below `size`) as the bits of an int."""
    flags = bytearray((size + 7) // 8)
    for i in positions:
        flags[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(flags, "little")


def _positions(bits: int) -> list[int]:
    """The positions of the bits set, ascending."""
    text = bin(bits)[:1:-1]  # bit i is character i
    found = []
    i = text.find("1")
    while i >= 0:
        found.append(i)
        i = text.find("1", i + 1)
    return found


class Directory:
    """A directory indexed for matching at national size: for each fact a rule reads, the
    set of providers having it, as the bits of an int over their positions. A match then
    finds who fails each rule by a few operations on those sets, whatever the directory's
    size, and runs the rules one by one only for the providers it lists (`match`, the
    reference, runs them for every provider; both give the same answer).

    The sets that depend on the case or the day (a county's sole-county providers, those
    limiting genders, accreditation on a day) are made when first asked for. `replace`
    puts a changed entry in place (free places, answer time); its services, coverage and
    age groups must be those of the entry it replaces.
    """

    def __init__(self, providers: Sequence[ProviderFacts]) -> None:
        self.providers = list(providers)
        self._position = {p.id: i for i, p in enumerate(self.providers)}
        self._all = (1 << len(self.providers)) - 1
        by_service: dict[str, list[int]] = {}
        by_county: dict[str, list[int]] = {}
        for i, p in enumerate(self.providers):
            for service in p.services:
                by_service.setdefault(service, []).append(i)
            for county in p.counties:
                by_county.setdefault(county, []).append(i)
        size = len(self.providers)
        self._offers = {s: _bits(found, size) for s, found in by_service.items()}
        self._covers = {c: _bits(found, size) for c, found in by_county.items()}
        self._national = self._having(lambda p: p.national)
        self._inactive = self._having(lambda p: not p.active)
        self._adults = self._having(lambda p: p.accepts_adults)
        self._children = self._having(lambda p: p.accepts_children)
        self._full = {
            service: self._without_free_place(service) for service in RESIDENTIAL_SERVICES
        }
        self._exactly: dict[frozenset[str], int] = {}
        self._limiting: dict[str | None, int] = {}
        self._unaccredited: tuple[date, int] | None = None

    def get(self, provider_id: str) -> ProviderFacts | None:
        position = self._position.get(provider_id)
        return self.providers[position] if position is not None else None

    def replace(self, provider: ProviderFacts) -> None:
        """Put the changed entry of a provider held in place of its old one."""
        position = self._position[provider.id]
        self.providers[position] = provider
        bit = 1 << position
        for service, full in self._full.items():
            if _no_free_place(provider, service):
                self._full[service] = full | bit
            else:
                self._full[service] = full & ~bit

    def covering(self, county: str) -> list[ProviderFacts]:
        """The providers covering `county` or the whole country: all that can match there
        (rule 3), for matching that needs only the matches."""
        return [self.providers[i] for i in _positions(self._covering(county))]

    def match(
        self,
        case: CaseForMatching,
        needs: Collection[str],
        *,
        today: date,
        limit: int | None = None,
        listed: Listed = "all",
    ) -> MatchResult:
        """What `match(case, needs, self.providers, ...)` answers."""
        q = _query(case, needs, today, matching=True)
        failing = self._failing(q)
        excluded_bits = 0
        for bits in failing.values():
            excluded_bits |= bits
        listed_bits = excluded_bits
        if listed == "nearby":
            listed_bits &= self._covering(q.county)
            for service in q.needs_in_order:
                listed_bits &= self._offers.get(service, 0)
        excluded: dict[str, tuple[str, ...]] = {}
        failed: list[str] = []
        for i in _positions(listed_bits):
            provider = self.providers[i]
            _failed_rules(q, provider, failed)
            excluded[provider.id] = tuple(failed)
            failed.clear()
        counted = {reason: bits.bit_count() for reason, bits in failing.items() if bits}
        eligible = [self.providers[i] for i in _positions(self._all & ~excluded_bits)]
        return _result(case, q, eligible, excluded, counted, excluded_bits.bit_count(), limit)

    def _failing(self, q: _Query) -> dict[str, int]:
        """Who fails each hard rule (`_failed_rules`), by reason."""
        everyone = self._all
        failing = {INACTIVE: self._inactive, NOT_ACCREDITED: self._unaccredited_on(q.today)}
        for service in q.needs_in_order:
            failing[q.not_offered[service]] = everyone & ~self._offers.get(service, 0)
        if q.coverage_binds:
            failing[COUNTY_NOT_COVERED] = everyone & ~self._covering(q.county)
        failing[AGE_GROUP_NOT_ACCEPTED] = everyone & ~(
            self._children if q.is_child else self._adults
        )
        if q.gender_binds:
            failing[GENDER_NOT_ACCEPTED] = self._limiting_against(q.gender)
        if q.capacity_binds:
            for service in q.residential_needs:
                failing[q.no_capacity[service]] = self._offers.get(service, 0) & self._full[service]
        if q.child_protection_binds:
            failing[CHILD_PROTECTION_REQUIRED] = everyone & ~self._offers.get(CHILD_PROTECTION, 0)
        if q.exploiters_county_binds:
            residential = 0
            for service in q.residential_needs:
                residential |= self._offers.get(service, 0)
            failing[EXPLOITERS_COUNTY_SHELTER] = residential & self._only_in(
                q.exploiters_county_only
            )
        return failing

    def _having(self, test: Callable[[ProviderFacts], bool]) -> int:
        return _bits((i for i, p in enumerate(self.providers) if test(p)), len(self.providers))

    def _without_free_place(self, service: str) -> int:
        return self._having(lambda p: _no_free_place(p, service))

    def _covering(self, county: str) -> int:
        return self._national | self._covers.get(county, 0)

    def _unaccredited_on(self, today: date) -> int:
        if self._unaccredited is None or self._unaccredited[0] != today:
            bits = self._having(
                lambda p: p.accreditation_valid_until is None or p.accreditation_valid_until < today
            )
            self._unaccredited = (today, bits)
        return self._unaccredited[1]

    def _limiting_against(self, gender: str | None) -> int:
        if gender not in self._limiting:
            self._limiting[gender] = self._having(
                lambda p: bool(p.genders) and gender not in p.genders
            )
        return self._limiting[gender]

    def _only_in(self, counties: frozenset[str]) -> int:
        """Providers covering exactly `counties`, not the whole country."""
        if counties not in self._exactly:
            self._exactly[counties] = self._having(
                lambda p: not p.national and p.counties == counties
            )
        return self._exactly[counties]
