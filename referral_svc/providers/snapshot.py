"""A process's copy of the active directory, as matching sees it.

Reading 20,000 providers costs a second on SQLite, and entries change seldom: each process
keeps them, keyed by the directory's version (the one row every change of an entry bumps).
A request reads the version — one primary-key lookup — and rebuilds the copy only when it
has moved, indexing it for matching (`matching.Directory`). Two facts move without it,
with every acceptance: free places and a provider's median answer time. Each has an
indexed time of its last change, so a request reads only those changed since it last
looked. It reads them from a little way back (`MARGIN`), so a change committed by a slower
transaction than its own clock reading is not missed; a change is applied only over an
older one.

The mechanism's own matching (the next best provider of an expired or declined referral,
a child's county child-protection service) needs only the matches, never the exclusions:
`covering` gives it the providers that can match in a county at all (rule 3), a few
hundred of 20,000, from positions kept per county until the next rebuild.
"""

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta
from types import MappingProxyType

from referral_svc.providers.matching import Directory, ProviderFacts
from referral_svc.providers.repository import ProviderRepository
from shared.db import utcnow

MARGIN = timedelta(seconds=5)
_ANSWER_TIME = "answer time"  # the key of a provider's answer time among its changes


class DirectorySnapshot:
    """The active directory of one app, rebuilt when its version moves."""

    def __init__(self) -> None:
        self._version: int | None = None
        self._directory = Directory([])
        self._position: dict[str, int] = {}
        # (provider id, service or _ANSWER_TIME) -> when the fact applied last changed.
        self._changed: dict[tuple[str, str], datetime] = {}
        self._covering: dict[str, list[int]] = {}
        self._watermark = utcnow()
        self._rebuilding = asyncio.Lock()

    async def directory(self, repository: ProviderRepository) -> Directory:
        """The active directory as of now, indexed for matching, in a stable order."""
        version = await repository.directory_version()
        if version != self._version:
            async with self._rebuilding:
                if version != self._version:
                    await self._rebuild(repository, version)
        await self._apply_changes(repository)
        return self._directory

    async def covering(self, repository: ProviderRepository, county: str) -> list[ProviderFacts]:
        """The active providers covering `county` or the whole country, as of now."""
        providers = (await self.directory(repository)).providers
        positions = self._covering.get(county)
        if positions is None:
            positions = [i for i, p in enumerate(providers) if p.national or county in p.counties]
            self._covering[county] = positions
        return [providers[i] for i in positions]

    async def _rebuild(self, repository: ProviderRepository, version: int) -> None:
        started = utcnow()
        providers = await repository.directory()
        self._directory = Directory(providers)
        self._position = {provider.id: index for index, provider in enumerate(providers)}
        self._changed = {}
        self._covering = {}
        self._watermark = started
        self._version = version

    async def _apply_changes(self, repository: ProviderRepository) -> None:
        since = self._watermark - MARGIN
        for provider_id, service, free, changed_at in await repository.places_changed_since(since):
            if self._newer(provider_id, service, changed_at):
                provider = self._directory.providers[self._position[provider_id]]
                if provider.free_capacity.get(service) != free:
                    places = MappingProxyType({**provider.free_capacity, service: free})
                    self._replace(replace(provider, free_capacity=places))
        for provider_id, hours, changed_at in await repository.answer_times_changed_since(since):
            if self._newer(provider_id, _ANSWER_TIME, changed_at):
                provider = self._directory.providers[self._position[provider_id]]
                if provider.median_response_hours != hours:
                    self._replace(replace(provider, median_response_hours=hours))

    def _newer(self, provider_id: str, fact: str, changed_at: datetime) -> bool:
        """Whether a change read is one to apply (of a provider kept, newer than the last
        applied), noting it if so."""
        self._watermark = max(self._watermark, changed_at)
        key = (provider_id, fact)
        if provider_id not in self._position or self._changed.get(key, changed_at) > changed_at:
            return False
        self._changed[key] = changed_at
        return True

    def _replace(self, provider: ProviderFacts) -> None:
        self._directory.replace(self._position[provider.id], provider)
