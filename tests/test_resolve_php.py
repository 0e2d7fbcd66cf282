"""PHP name resolution: class names used in code, made fully qualified by PHP's rules (the file's
namespace, ``use`` aliases, ``\\A\\B``, ``namespace\\X``) and found among the repository's
declared classes, with hand-built ImportRefs and declarations (independent of the extractor)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from codepack.graph.resolve import resolve_repo
from codepack.records import ImportRef

# path -> what the scan declares for it: namespaces, and "class:<namespace>\<name>" per class
DECLARED: dict[str, tuple[str, ...]] = {
    "Parser.php": ("class:Parser",),
    "src/Markup/Parser.php": ("Markup", "class:Markup\\Parser"),
    "src/Markup/Document.php": ("Markup", "class:Markup\\Document"),
    "src/Markup/Exception.php": ("Markup", "class:Markup\\Exception"),
    "src/Markup/Node/Block.php": ("Markup\\Node", "class:Markup\\Node\\Block"),
    "src/Markup/Node/Inline.php": (
        "Markup\\Node",
        "class:Markup\\Node\\Inline",
        "class:Markup\\Node\\Emphasis",
    ),
    "src/Other/Document.php": ("Other", "class:Other\\Document"),
    "src/Markup/Importer.php": ("Markup",),
    "lib/helpers.php": (),
}


def cls(spec: str, line: int = 10, **flags: bool) -> ImportRef:
    return ImportRef(spec, line, "class", **flags)


def use(spec: str, alias: str = "", line: int = 3) -> ImportRef:
    return ImportRef(spec, line, "use", (alias,) if alias else ())


def edges(
    refs: Sequence[ImportRef],
    importer: str = "src/Markup/Importer.php",
    declared: Mapping[str, tuple[str, ...]] = DECLARED,
    aux: Mapping[str, str] | None = None,
) -> list[tuple[str, str]]:
    """(target, rule) of every edge the importer's ``refs`` make."""
    paths = sorted({*declared, importer})
    files = [(p, "php", tuple(refs) if p == importer else ()) for p in paths]
    resolution = resolve_repo(files, aux or {}, declarations=declared)
    return sorted((e.dst, e.rule) for e in resolution.edges)


def test_an_unqualified_name_is_a_class_of_the_files_namespace():
    assert edges([cls("Document")]) == [("src/Markup/Document.php", "php:declared-class")]


def test_a_class_name_never_falls_back_to_the_global_namespace():
    # `Parser.php` declares the global Parser; in namespace Markup, `Parser` is Markup\Parser
    assert edges([cls("Parser")]) == [("src/Markup/Parser.php", "php:declared-class")]
    assert edges([cls("Closure")]) == []  # Markup\Closure: declared nowhere, so external


def test_fully_qualified_and_namespace_relative_names():
    assert edges([cls("\\Parser")]) == [("Parser.php", "php:declared-class")]
    assert edges([cls("\\Other\\Document")]) == [("src/Other/Document.php", "php:declared-class")]
    assert edges([cls("namespace\\Node\\Block")]) == [
        ("src/Markup/Node/Block.php", "php:declared-class")
    ]


def test_a_relative_qualified_name_continues_the_files_namespace():
    assert edges([cls("Node\\Block")]) == [("src/Markup/Node/Block.php", "php:declared-class")]


def test_a_class_declared_beside_another_in_one_file_is_found_by_declaration():
    assert edges([cls("Node\\Emphasis")]) == [("src/Markup/Node/Inline.php", "php:declared-class")]


def test_a_use_alias_decides_the_first_segment():
    refs = [use("Other\\Document"), cls("Document")]
    # both the use line and the name in code point at Other\Document, not Markup\Document
    assert edges(refs) == [("src/Other/Document.php", "php:declared-class")] * 2
    aliased = [use("Other\\Document", alias="Doc"), cls("Doc"), cls("Document", line=11)]
    assert edges(aliased) == [
        ("src/Markup/Document.php", "php:declared-class"),
        ("src/Other/Document.php", "php:declared-class"),
        ("src/Other/Document.php", "php:declared-class"),
    ]
    # aliases compare case-insensitively, as PHP's do
    assert edges([use("Markup\\Node"), cls("node\\Block")]) == [
        ("src/Markup/Node/Block.php", "php:declared-class")
    ]


def test_a_namespace_use_does_not_fan_out_but_names_through_it_resolve():
    assert edges([use("Markup\\Node")], importer="src/Other/Document.php") == []
    refs = [use("Markup\\Node"), cls("Node\\Block")]
    assert edges(refs, importer="src/Other/Document.php") == [
        ("src/Markup/Node/Block.php", "php:declared-class")
    ]


def test_a_one_segment_use_names_a_global_class_only():
    assert edges([use("Parser")]) == [("Parser.php", "php:declared-class")]
    # PHP's own Exception: Markup\Exception (src/Markup/Exception.php) is another class
    assert edges([use("Exception")]) == []


def test_the_suffix_fallback_must_agree_with_the_declared_namespace():
    declared = {
        "src/Markup/Exception.php": ("Markup",),  # class not recorded: only the suffix can see it
        "lib/Vendor/Markup/Exception.php": ("Vendor",),
        "src/Markup/Importer.php": ("Markup",),
    }
    assert edges([use("Markup\\Exception")], declared=declared) == [
        ("src/Markup/Exception.php", "php:namespace-file")
    ]
    assert edges([use("Exception")], declared=declared) == []
    stray = {"lib/Markup/Exception.php": ("Vendor",), "src/App.php": ("App",)}
    assert edges([use("Markup\\Exception")], importer="src/App.php", declared=stray) == []


def test_without_declarations_the_suffix_still_finds_a_class_file():
    plain = {"src/Markup/Document.php": (), "src/App.php": ()}
    assert edges([use("Markup\\Document")], importer="src/App.php", declared=plain) == [
        ("src/Markup/Document.php", "php:suffix")
    ]


def test_composer_psr4_comes_before_declarations():
    aux = {"composer.json": '{"autoload": {"psr-4": {"Markup\\\\": "src/Markup/"}}}'}
    assert edges([cls("Document")], aux=aux) == [("src/Markup/Document.php", "php:psr4")]


def test_a_file_naming_its_own_class_makes_no_edge():
    assert edges([cls("Document")], importer="src/Markup/Document.php") == []


def test_a_file_with_several_namespaces_tries_each():
    declared = {**DECLARED, "src/Multi.php": ("Other", "Markup\\Node")}
    assert edges([cls("Block")], importer="src/Multi.php", declared=declared) == [
        ("src/Markup/Node/Block.php", "php:declared-class")
    ]


def test_use_function_points_at_the_namespace_files_with_its_rule():
    assert edges([ImportRef("Markup\\Node\\make", 3, "use_function")]) == [
        ("src/Markup/Node/Block.php", "php:namespace-members"),
        ("src/Markup/Node/Inline.php", "php:namespace-members"),
    ]
