"""What the identification routes share, built once per app by `create_app`: the settings
and the data protector, as typed dependencies."""

from typing import Annotated

from fastapi import Depends, Request

from identification_svc.persons.protection import PersonalDataProtector
from identification_svc.settings import Settings


async def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


async def protector(request: Request) -> PersonalDataProtector:
    value: PersonalDataProtector = request.app.state.protector
    return value


AppSettings = Annotated[Settings, Depends(settings)]
Protector = Annotated[PersonalDataProtector, Depends(protector)]
