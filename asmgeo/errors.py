"""Errors raised by the asmgeo core; each carries a sentence a data officer understands."""

from __future__ import annotations

from asmgeo.i18n import DEFAULT_LANGUAGE, t


class AsmgeoError(Exception):
    """Base class of every error the core raises on purpose.

    ``str(error)`` is English; an error made by :func:`worded` also carries its catalogue key and
    values, so ``error.text(lang)`` gives the same sentence in the reader's language.
    """

    key: str | None = None
    values: dict[str, object] = {}

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``lang`` (as raised when the error carries no catalogue key)."""
        return t(self.key, lang, **self.values) if self.key else str(self)


def worded(error_class: type[AsmgeoError], key: str, **values: object) -> AsmgeoError:
    """An ``error_class`` whose message is the catalogue text ``key`` (English, any language via ``text``)."""
    if issubclass(error_class, KeyedError):
        return error_class(key, **values)
    error = error_class(t(key, DEFAULT_LANGUAGE, **values))
    error.key, error.values = key, values
    return error


class KeyedError(AsmgeoError):
    """An error raised by its catalogue key and values, ``SomeError(key, **values)``: what :func:`worded` makes.

    For the error classes that are only ever raised worded (e.g. :class:`asmgeo.maps.slides.SlideError`).
    """

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(t(key, DEFAULT_LANGUAGE, **values))
        self.key, self.values = key, values


class StoreError(AsmgeoError):
    """The store is missing, unreadable or not an asmgeo store."""


class LayerFileError(AsmgeoError):
    """A shipped layer file or reference table is missing or corrupt."""


class UnknownLayerError(AsmgeoError):
    """A layer name that asmgeo does not know."""


class AssetError(AsmgeoError):
    """A browser asset needed for offline maps is missing or not mapped."""


class ConfigError(AsmgeoError):
    """An ``ASMGEO_*`` environment variable holds a value asmgeo cannot use."""


class UploadFileError(AsmgeoError):
    """An uploaded file that cannot be read at all; ``code`` is the stable issue code, the message one sentence."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class RatingsFileError(AsmgeoError):
    """A Pillar 6 ratings file that cannot be imported; ``problems`` holds every reason, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))
