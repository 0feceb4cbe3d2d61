"""A process's copy of the active directory, as matching sees it.

Reading 20,000 providers costs hundreds of milliseconds, and entries change seldom: each
process keeps them, keyed by the directory's version (the one row every change of an entry
bumps). A request reads the version — one primary-key lookup — and rebuilds the copy only
when it has moved; then it reads the free places changed since it last looked (an indexed
column, set by every change of places), because those move with every acceptance. It reads
them from a little way back (`MARGIN`), so a change committed by a slower transaction than
its own clock reading is not missed; a change is applied only over an older one. Facts that
move with nothing but a rebuild (a provider's median answer time, ranking advice) are at
most `MAX_AGE` old.
"""

import asyncio
import time
from dataclasses import replace
from datetime import datetime, timedelta
from types import MappingProxyType

from referral_svc.providers.matching import ProviderFacts
from referral_svc.providers.repository import ProviderRepository
from shared.db import utcnow

MARGIN = timedelta(seconds=5)
MAX_AGE_SECONDS = 60.0


class DirectorySnapshot:
    """The active directory of one app, rebuilt when its version moves."""

    def __init__(self) -> None:
        self._version: int | None = None
        self._built_at = 0.0
        self._providers: list[ProviderFacts] = []
        self._position: dict[str, int] = {}
        self._places_changed: dict[tuple[str, str], datetime] = {}
        self._watermark = utcnow()
        self._rebuilding = asyncio.Lock()

    async def providers(self, repository: ProviderRepository) -> list[ProviderFacts]:
        """The active directory as of now, in a stable order."""
        version = await repository.directory_version()
        if self._stale(version):
            async with self._rebuilding:
                if self._stale(version):
                    await self._rebuild(repository, version)
        await self._apply_place_changes(repository)
        return self._providers

    def _stale(self, version: int) -> bool:
        return version != self._version or time.monotonic() - self._built_at > MAX_AGE_SECONDS

    async def _rebuild(self, repository: ProviderRepository, version: int) -> None:
        started = utcnow()
        providers = await repository.directory()
        self._providers = providers
        self._position = {provider.id: index for index, provider in enumerate(providers)}
        self._places_changed = {}
        self._watermark = started
        self._version = version
        self._built_at = time.monotonic()

    async def _apply_place_changes(self, repository: ProviderRepository) -> None:
        changes = await repository.places_changed_since(self._watermark - MARGIN)
        for provider_id, service, free, changed_at in changes:
            self._watermark = max(self._watermark, changed_at)
            index = self._position.get(provider_id)
            key = (provider_id, service)
            if index is None or self._places_changed.get(key, changed_at) > changed_at:
                continue
            self._places_changed[key] = changed_at
            provider = self._providers[index]
            if provider.free_capacity.get(service) != free:
                places = {**provider.free_capacity, service: free}
                self._providers[index] = replace(provider, free_capacity=MappingProxyType(places))
