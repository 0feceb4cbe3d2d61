"""The typed dependencies of the documentation routes: the public document's service."""

from typing import Annotated

from fastapi import Depends

from gateway.docs.service import DocumentService
from gateway.state import State


async def document_service(state: State) -> DocumentService:
    return DocumentService(state.openapi, state.forwarder, own_tokens=state.own_tokens)


Documents = Annotated[DocumentService, Depends(document_service)]
