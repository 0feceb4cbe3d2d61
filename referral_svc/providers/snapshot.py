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
hundred of 20,000, from the index.
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
        # (provider id, service or _ANSWER_TIME) -> when the fact applied last changed.
        self._changed: dict[tuple[str, str], datetime] = {}
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
        return (await self.directory(repository)).covering(county)

    async def _rebuild(self, repository: ProviderRepository, version: int) -> None:
        started = utcnow()
        self._directory = Directory(await repository.directory())
        self._changed = {}
        self._watermark = started
        self._version = version

    async def _apply_changes(self, repository: ProviderRepository) -> None:
        since = self._watermark - MARGIN
        for provider_id, service, free, changed_at in await repository.places_changed_since(since):
            provider = self._newer(provider_id, service, changed_at)
            if provider is not None and provider.free_capacity.get(service) != free:
                places = MappingProxyType({**provider.free_capacity, service: free})
                self._directory.replace(replace(provider, free_capacity=places))
        for provider_id, hours, changed_at in await repository.answer_times_changed_since(since):
            provider = self._newer(provider_id, _ANSWER_TIME, changed_at)
            if provider is not None and provider.median_response_hours != hours:
                self._directory.replace(replace(provider, median_response_hours=hours))

    def _newer(self, provider_id: str, fact: str, changed_at: datetime) -> ProviderFacts | None:
        """The provider whose fact a change read is to be applied to (one held, the change
        newer than the last applied), noting the change; None when it is not."""
        self._watermark = max(self._watermark, changed_at)
        key = (provider_id, fact)
        provider = self._directory.get(provider_id)
        if provider is None or self._changed.get(key, changed_at) > changed_at:
            return None
        self._changed[key] = changed_at
        return provider
