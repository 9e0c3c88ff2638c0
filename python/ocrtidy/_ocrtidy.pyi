"""Type stubs of ``ocrtidy._ocrtidy``, the native module (Rust, PyO3) under the ``ocrtidy``
package. Import the names from ``ocrtidy``: it re-exports all of them, and its ``Pipeline``
adds pyarrow arrays to ``clean_batch``."""

import os
from typing import Any, Iterable, Literal, Optional, Sequence, Tuple, Union, final, overload

from typing_extensions import TypeAlias, disjoint_base

__all__ = [
    "Candidate",
    "Change",
    "Cleaned",
    "CleanedDocument",
    "MAX_DOC_BYTES",
    "Pipeline",
    "RunStats",
    "Step",
    "WriteBack",
    "__version__",
    "_rebuild_pipeline",
    "explain",
    "list_passes",
    "replay",
]

__version__: str
#: The default bound on one document's size in bytes (64 MiB), as the command line's
#: ``--max-doc-bytes``: a group of pages (``group_by``) is cut there, a larger file refused.
MAX_DOC_BYTES: int

_StrPath: TypeAlias = Union[str, "os.PathLike[str]"]

@final
class Candidate:
    """One ranked alternative of a change."""

    @property
    def text(self) -> str: ...
    @property
    def score(self) -> float:
        """In [0, 1]; higher is more likely."""
    def to_dict(self) -> dict[str, Any]:
        """``{"text": ..., "score": ...}``, as in the ``--changes`` ledger."""

@final
class Step:
    """An earlier edit fused into a change because a later pass edited the same text."""

    @property
    def pass_(self) -> str:
        """The pass (``getattr(step, "pass")`` too)."""
    @property
    def rule(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    def to_dict(self) -> dict[str, Any]:
        """``{"pass": ..., "rule": ..., "confidence": ...}``."""

@final
class Change:
    """One entry of the change ledger: the fields of a ``--changes`` record.

    Offsets ``start``/``end`` are bytes (UTF-8) and ``char_start``/``char_end`` code points
    (Python string indexes) of the ORIGINAL text; ``out_start``/``out_end`` bytes of the
    output. ``applied`` is False for a suggestion (the text does not have it; ``after`` is its
    top candidate). Replaying the applied changes on the input gives the output
    (:func:`replay`).
    """

    @property
    def pass_(self) -> str:
        """The pass that made the change (``pass`` is a keyword: also
        ``getattr(change, "pass")`` and ``change.to_dict()["pass"]``)."""
    @property
    def rule(self) -> str:
        """The rule within the pass, stable kebab-case."""
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def char_start(self) -> int: ...
    @property
    def char_end(self) -> int: ...
    @property
    def before(self) -> str:
        """The original text of the span (for a suggestion: the text the pass saw)."""
    @property
    def after(self) -> str:
        """The replacement (for a suggestion: its top candidate)."""
    @property
    def confidence(self) -> float:
        """In [0, 1]."""
    @property
    def applied(self) -> bool: ...
    @property
    def candidates(self) -> list[Candidate]:
        """Ranked alternatives, best first (may be empty)."""
    @property
    def out_start(self) -> int: ...
    @property
    def out_end(self) -> int: ...
    @property
    def history(self) -> list[Step]:
        """The other passes' edits fused into this change, oldest first."""
    def to_dict(self) -> dict[str, Any]:
        """The change as a dict with the keys of a ``--changes`` record, in its order
        (``history`` only when not empty, as there)."""

@final
class RunStats:
    """Counters of one run."""

    @property
    def rounds(self) -> int:
        """How many rounds of all passes ran."""
    @property
    def converged(self) -> bool:
        """True when the last round changed nothing (the output is a fixed point)."""
    @property
    def rejected_edits(self) -> int:
        """Edits refused as malformed (a pass bug; 0)."""
    @property
    def superseded_suggestions(self) -> int:
        """Suggestions dropped because a later pass changed their text."""
    def to_dict(self) -> dict[str, Any]: ...

@disjoint_base
class Cleaned:
    """The result of cleaning one text. ``str(cleaned)`` is the text."""

    @property
    def text(self) -> str:
        """The cleaned text."""
    @property
    def changes(self) -> list[Change]:
        """Applied changes and suggestions, sorted by position in the original."""
    @property
    def applied(self) -> list[Change]:
        """The applied changes only."""
    @property
    def suggestions(self) -> list[Change]:
        """The suggestions only."""
    @property
    def stats(self) -> RunStats: ...

@final
class WriteBack:
    """What :meth:`CleanedDocument.write_back` wrote."""

    text: str
    """The file with the corrections in its elements."""
    written: int
    """Applied changes with at least one edit written back."""
    elements: int
    """Elements whose text was rewritten."""
    left_out: int
    """Applied changes left out whole (layout edits only, or a removal took part)."""
    stale: list[str]
    """Enclosing elements whose text was left as it was (a PAGE line whose text is not its
    words joined), one message each."""
    skipped: list[str]
    """Corrections that could not be placed (an element without an id of its own or without a
    text to rewrite), one message each; the others were written."""

@final
class CleanedDocument(Cleaned):
    """A cleaned file or byte string: :class:`Cleaned` with the format it was read in."""

    @property
    def format(self) -> str:
        """``hocr``, ``alto``, ``page``, ``tesseract-tsv``, ``paddleocr-json``,
        ``rapidocr-json``, or ``text``."""
    @property
    def encoding(self) -> str:
        """The encoding the input was decoded from (``UTF-8``, ``GBK``, ``UTF-16LE``, ...)."""
    @property
    def source_text(self) -> str:
        """The text the changes' offsets refer to: the laid-out text of engine output, or the
        decoded text (with its byte order mark when the UTF-8 input had one)."""
    @property
    def path(self) -> Optional["os.PathLike[str]"]:
        """The path the document was read from (a pathlib.Path); None for bytes."""
    def elements(self, change: Change) -> list[dict[str, Any]]:
        """The elements of the file under the original text of ``change`` (``range``,
        ``source`` with ``id``, ``bbox``, ``page``, ``line``, ``word``, ``role``, and ``conf``),
        as ``--changes`` lists them; empty for plain text."""
    def write_back(self, path: Optional[_StrPath] = None) -> WriteBack:
        """Writes the applied corrections back into the hOCR, ALTO or PAGE file: only the
        texts of the elements that changed, every other byte (ids, boxes, confidences) stays.
        Layout edits (line joins, furniture, ...) are not written back. With ``path``, also
        saves the file there, through a temporary file renamed into place; the input file is
        refused. Raises ValueError for plain text, TSV or JSON input, a file not in UTF-8, or
        a correction in an element without an id."""

@disjoint_base
class Pipeline:
    """An ordered set of passes with their configuration; see ``ocrtidy.Pipeline``."""

    def __new__(
        cls,
        passes: Union[str, Iterable[str], None] = None,
        skip: Union[str, Iterable[str], None] = None,
        *,
        script: Optional[str] = None,
        lexicon: Union[_StrPath, Iterable[str], None] = None,
        protect: Union[_StrPath, Iterable[str], None] = None,
        typo_threshold: Optional[float] = None,
        confusions: Union[_StrPath, Iterable[_StrPath], None] = None,
        paragraph_sep: Literal["line", "blank"] = "line",
        keep_furniture: bool = False,
        all_suggestions: bool = False,
        modernise: bool = False,
        lm: Optional[_StrPath] = None,
    ) -> "Pipeline": ...
    @property
    def passes(self) -> list[str]:
        """The names of the passes this pipeline runs, in order."""
    def clean(self, text: str) -> Cleaned:
        """Cleans one text (the GIL is released meanwhile)."""
    def clean_pages(self, pages: Iterable[str]) -> list[Cleaned]:
        """Cleans the pages of one document together; one result per page, offsets in the
        page."""
    @overload
    def clean_batch(
        self,
        texts: Iterable[Optional[str]],
        *,
        group_by: Optional[Iterable[Any]] = None,
        changes: Literal[False] = False,
        threads: Optional[int] = None,
    ) -> Any: ...
    @overload
    def clean_batch(
        self,
        texts: Iterable[Optional[str]],
        *,
        group_by: Optional[Iterable[Any]] = None,
        changes: Literal[True],
        threads: Optional[int] = None,
    ) -> Tuple[Any, list[Optional[list[Change]]]]: ...
    @overload
    def clean_batch(
        self,
        texts: Iterable[Optional[str]],
        *,
        group_by: Optional[Iterable[Any]] = None,
        changes: bool = False,
        threads: Optional[int] = None,
    ) -> Any:
        """Cleans many texts in parallel on ``threads`` workers with the GIL released; see
        ``ocrtidy.Pipeline.clean_batch``."""
    def clean_document(
        self,
        source: Union[_StrPath, bytes, bytearray, memoryview],
        format: str = "auto",
        *,
        encoding: Optional[str] = None,
        max_doc_bytes: int = ...,
    ) -> CleanedDocument:
        """Reads a file (a path: ``str`` or ``os.PathLike``) or bytes, decodes it (UTF-8,
        UTF-16, GB18030/GBK, Big5; ``encoding`` forces a WHATWG label), reads it as OCR engine
        output in ``format`` (``auto`` detects: ``hocr``, ``alto``, ``page``,
        ``tesseract-tsv``, ``paddleocr-json``, ``rapidocr-json``) with the engine's
        confidences, line breaks and running headers as evidence, or as plain ``text``, and
        cleans it as ``ocrtidy clean --input-format`` does (without the final line break the
        command line adds to its output file).

        Raises OSError for a file that cannot be read, ValueError for a malformed file, a
        binary file (unless ``encoding`` is given) or one over ``max_doc_bytes``."""
    def clean_jsonl(
        self,
        src: _StrPath,
        dst: _StrPath,
        *,
        field: str = "text",
        id_field: str = "id",
        group_by: Union[str, Sequence[str], None] = None,
        layout_fields: Union[str, Sequence[str], None] = None,
        layout_format: str = "auto",
        layout_root: Optional[_StrPath] = None,
        changes: Optional[_StrPath] = None,
        errors: Optional[_StrPath] = None,
        threads: Optional[int] = None,
        max_doc_bytes: int = ...,
    ) -> dict[str, int]:
        """Cleans the text field of every record of the JSON Lines file ``src`` into ``dst``
        as ``ocrtidy clean --jsonl`` does, with its guarantees: only the field is rewritten,
        every other byte of a line stays; one output line per input line, in order; a line
        that cannot be cleaned (not JSON, no text field, a lone surrogate, over
        ``max_doc_bytes``) is passed through and reported in ``errors`` (``{file, line, id,
        reason}``); ``changes`` receives the ledger (``{file, line, id, ...change}``). No output
        may be the input or another output (ValueError); outputs are written to temporary
        files renamed into place when the run succeeds. ``group_by``: fields whose equal
        values in consecutive records make them pages of one document. ``layout_fields``:
        fields holding the OCR engine's output (inline or a path under ``layout_root``,
        default the input's directory). Runs on ``threads`` workers (default: one per core)
        with the GIL released; Ctrl-C stops it. Returns the counts: ``lines``, ``records``,
        ``changed``, ``blank``, ``errors``, ``warnings``, ``from_layout``,
        ``layout_fallbacks``, ``input_bytes``, ``output_bytes``."""

def replay(original: str, changes: Sequence[Change]) -> str:
    """Applies the applied changes to ``original``: the cleaned text, when ``changes`` is the
    ledger of cleaning ``original``. Raises ValueError when they do not fit it."""

def list_passes() -> list[Tuple[str, str]]:
    """The passes of this build in pipeline order, as ``(name, summary)`` pairs."""

def explain(rule: str) -> list[Tuple[str, str, str]]:
    """The explanation of a rule (``"pass/rule"`` or ``"rule"``) as ``(pass, rule,
    explanation)`` triples, one per pass that declares it; empty for an unknown rule."""

def _rebuild_pipeline(cls: type, kwargs: dict[str, Any]) -> Pipeline:
    """Unpickles a pipeline: ``cls(**kwargs)``."""
