"""``RepoInput``: the contract every repository input implements, folders included.

A ``RepoInput`` is a name and a locator, never content, so it is cheap to pickle to worker
processes; subclasses (``FolderRepo``, ``RecordsRepo``, ``ArchiveRepo``, ``GitRepo``,
``FilesRepo``) say how to lay their repository out for the walker (``_listing``), and
``entries`` runs the one shared planner on that listing in whichever process calls it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from codepack.config import ScanConfig
from codepack.inputs.listing import Entries, Listing
from codepack.inputs.walk import walk_entries


class InputError(ValueError):
    """An input path the user gave cannot be used (missing, or of a kind codepack cannot read)."""


@dataclass(frozen=True)
class RepoInput(ABC):
    """One repository of any input kind: a name and a locator, never content.

    Cheap to build and to pickle (inputs travel to worker processes); ``entries`` does the
    reading, in whichever process calls it.
    """

    name: str

    @property
    @abstractmethod
    def kind(self) -> str:
        """``folder``, ``records``, ``archive``, ``git`` or ``memory``."""

    @property
    @abstractmethod
    def locator(self) -> str:
        """Where the repository comes from, for manifests and messages."""

    @abstractmethod
    def _listing(self, config: ScanConfig) -> Listing:
        """The repository's tree and how to read it."""

    def entries(self, config: ScanConfig | None = None) -> Entries:
        """``(entries, aux)``: entries in sorted path order, aux files' text by path.

        This is the one way into a repository. Entries are ``(path, bytes)`` for files to
        classify and ``SkippedFile`` for files decided before reading (ignored, vendored,
        links, special files, decided by name, over the size limit). Aux files are read now;
        file contents lazily as the iterator is consumed.
        """
        config = config or ScanConfig()
        return walk_entries(self._listing(config), config)
