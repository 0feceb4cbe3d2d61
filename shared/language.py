"""The language of labelled reference data (catalogues, instruments): `ro` or `en`.

Negotiated from `Accept-Language` by quality value; Romanian is the default and the answer
to any language the suite does not hold. The answer says which it chose (`Content-Language`)
and that it varies with the header, so caches keep the two apart.
"""

from typing import Annotated, Final, Literal

from fastapi import Depends, Header, Response

LanguageCode = Literal["ro", "en"]
DEFAULT_LANGUAGE: Final[LanguageCode] = "ro"
_SUPPORTED: Final[dict[str, LanguageCode]] = {"ro": "ro", "en": "en"}
# A real header names a handful of languages; the rest of a hostile one is not read.
_MAX_ENTRIES: Final = 20


def negotiate(header: str | None) -> LanguageCode:
    """The supported language the header prefers most (ties: the first listed)."""
    best: tuple[float, LanguageCode] | None = None
    for entry in (header or "").split(",")[:_MAX_ENTRIES]:
        tag, _, params = entry.strip().partition(";")
        language = _SUPPORTED.get(tag.strip().split("-")[0].lower())
        if language is None:
            continue
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        if 0 < quality <= 1 and (best is None or quality > best[0]):
            best = (quality, language)
    return best[1] if best else DEFAULT_LANGUAGE


async def preferred_language(
    response: Response,
    accept_language: Annotated[str | None, Header(alias="Accept-Language")] = None,
) -> LanguageCode:
    language = negotiate(accept_language)
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language"
    return language


Language = Annotated[LanguageCode, Depends(preferred_language)]
