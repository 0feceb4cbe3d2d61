"""Typed dependencies of the provider routes: the directory, and a provider loaded and
authorised for what the route does with it."""

from typing import Annotated

from fastapi import Depends, Request

from referral_svc.providers.models import Provider
from referral_svc.providers.service import DirectoryService
from referral_svc.providers.snapshot import DirectorySnapshot
from shared.auth.deps import Loader
from shared.auth.policy import Permission
from shared.web import Session

_PROVIDER_ID = "The provider's id."


async def directory_service(session: Session, request: Request) -> DirectoryService:
    snapshot: DirectorySnapshot = request.app.state.directory_snapshot
    return DirectoryService(session, snapshot, request.app.state.outbound)


Directory = Annotated[DirectoryService, Depends(directory_service)]

provider = Loader(
    directory_service, DirectoryService.get, key="provider_id", description=_PROVIDER_ID
)
# Coordinators and admins set any provider's free places; a provider's staff only its own.
provider_of_staff = Loader(
    directory_service,
    DirectoryService.get_for_capacity,
    key="provider_id",
    description=_PROVIDER_ID,
)

ReadableProvider = Annotated[Provider, provider.requiring(Permission.READ_PROVIDERS)]
ManagedProvider = Annotated[Provider, provider.requiring(Permission.MANAGE_PROVIDERS)]
CapacityProvider = Annotated[Provider, provider_of_staff.requiring(Permission.UPDATE_CAPACITY)]
