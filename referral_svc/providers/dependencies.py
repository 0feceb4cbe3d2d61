"""Typed dependencies of the provider routes: the directory, and a provider loaded and
authorised for what the route does with it."""

import uuid
from typing import Annotated

from fastapi import Depends, Request

from referral_svc.access import CapacitySetter, ProvidersManager, ProvidersReader
from referral_svc.providers.models import Provider
from referral_svc.providers.service import DirectoryService
from referral_svc.providers.snapshot import DirectorySnapshot
from shared.auth.policy import Permission, Role
from shared.errors import Forbidden
from shared.web import Session


async def directory_service(session: Session, request: Request) -> DirectoryService:
    snapshot: DirectorySnapshot = request.app.state.directory_snapshot
    return DirectoryService(session, snapshot, request.app.state.outbound)


Directory = Annotated[DirectoryService, Depends(directory_service)]


async def provider_for_read(
    provider_id: uuid.UUID, principal: ProvidersReader, directory: Directory
) -> Provider:
    return await directory.get(principal, provider_id)


async def provider_for_management(
    provider_id: uuid.UUID, principal: ProvidersManager, directory: Directory
) -> Provider:
    return await directory.get(principal, provider_id)


async def provider_for_capacity(
    provider_id: uuid.UUID, principal: CapacitySetter, directory: Directory
) -> Provider:
    """Coordinators and admins set any provider's free places; a provider's staff only its
    own organisation's."""
    provider = await directory.get(principal, provider_id)
    own_staff = (
        principal.has_role(Role.PROVIDER) and principal.organisation_id == provider.organisation_id
    )
    if not (own_staff or principal.can(Permission.MANAGE_PROVIDERS)):
        raise Forbidden("Only the provider's own staff or a coordinator set its free places.")
    return provider


ReadableProvider = Annotated[Provider, Depends(provider_for_read)]
ManagedProvider = Annotated[Provider, Depends(provider_for_management)]
CapacityProvider = Annotated[Provider, Depends(provider_for_capacity)]
