"""``RepoInput``: the contract every non-folder repository implements.

A ``RepoInput`` is a name and a locator, never content, so it is cheap to pickle to worker
processes; subclasses (``RecordsRepo``, ``ArchiveRepo``, ``GitRepo``) only say how to list
their container (``_listing``), and ``entries`` runs the shared walker on that listing in
whichever process calls it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from codepack.config import ScanConfig
from codepack.inputs.listing import Entries, _Listing
from codepack.inputs.walk import _entries


@dataclass(frozen=True)
class RepoInput(ABC):
    """One repository of a non-folder input: a name and a locator, never content.

    Cheap to build and to pickle (inputs travel to worker processes); ``entries`` does the
    reading, in whichever process calls it.
    """

    name: str

    @property
    @abstractmethod
    def kind(self) -> str:
        """``records``, ``archive`` or ``git``."""

    @property
    @abstractmethod
    def locator(self) -> str:
        """Where the repository comes from, for manifests and messages."""

    @abstractmethod
    def _listing(self, config: ScanConfig) -> _Listing:
        """The repository's members and how to read them."""

    def entries(self, config: ScanConfig | None = None) -> Entries:
        """``(entries, aux)``: entries in sorted path order, aux files' text by path.

        Entries are ``(path, bytes)`` for files to classify and ``SkippedFile`` for files
        decided before reading. Aux files are read now; file contents lazily as the
        iterator is consumed.
        """
        config = config or ScanConfig()
        return _entries(self._listing(config), config)
