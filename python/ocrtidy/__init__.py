"""ocrtidy cleans up text produced by OCR: it repairs what it is sure of, proposes what it is
not, and accounts for every change (its pass, rule, confidence and span in the original).

    >>> import ocrtidy
    >>> cleaned = ocrtidy.clean("第一段  \\r\\n\\r\\n第二段\\r\\n")
    >>> cleaned.text
    '第一段\\n第二段'
    >>> [(c.pass_, c.rule) for c in cleaned.changes][:1]
    [('newlines', 'crlf')]

A :class:`Pipeline` is built once and reused (it is thread-safe, and cleaning releases the GIL);
the module-level functions build one from their keyword arguments (and keep the last few).
``Pipeline.clean_batch`` cleans a list of texts, or a pyarrow string array, in parallel.
"""

from __future__ import annotations

import functools
import os
from typing import Any, Iterable, Optional, Sequence, Union

from . import _ocrtidy
from ._ocrtidy import (
    MAX_DOC_BYTES,
    Candidate,
    Change,
    Cleaned,
    CleanedDocument,
    RunStats,
    Step,
    WriteBack,
    explain,
    list_passes,
    replay,
)

__version__: str = _ocrtidy.__version__

__all__ = [
    "MAX_DOC_BYTES",
    "Candidate",
    "Change",
    "Cleaned",
    "CleanedDocument",
    "Pipeline",
    "RunStats",
    "Step",
    "WriteBack",
    "__version__",
    "clean",
    "clean_batch",
    "clean_document",
    "clean_jsonl",
    "clean_pages",
    "explain",
    "list_passes",
    "replay",
]


def _is_arrow(obj: Any) -> bool:
    """A pyarrow Array or ChunkedArray (without importing pyarrow)."""
    return type(obj).__module__.split(".")[0] == "pyarrow" and hasattr(obj, "to_pylist")


def _arrow_result(source: Any, texts: list) -> Any:
    """The cleaned texts as an array like ``source``: the same string type, chunked or not."""
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

    kind = source.type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        kind = pa.string()
    array = pa.array(texts, type=kind)
    if isinstance(source, pa.ChunkedArray):
        return pa.chunked_array([array], type=kind)
    return array


class Pipeline(_ocrtidy.Pipeline):
    """An ordered set of passes with their configuration, ready to clean text.

    ``Pipeline(passes=None, skip=None, *, script=None, lexicon=None, protect=None,
    typo_threshold=None, confusions=None, paragraph_sep="line", keep_furniture=False,
    all_suggestions=False, modernise=False, lm=None)``

    - ``passes``: run only these passes (names, or one comma-separated string), in pipeline
      order; ``skip``: leave these out. ``ocrtidy.list_passes()`` lists them.
    - ``script``: Traditional/Simplified conversion, an OpenCC configuration (``"t2s"``,
      ``"s2t"``, ``"s2tw"``, ...); off by default.
    - ``lexicon``: a user lexicon, a path to a file of lines ``word [frequency [tag]]`` or a
      list of such lines; ``protect``: terms never corrected, a path to a file (one per line)
      or a list of terms; ``confusions``: paths of confusion tables (``ocrtidy learn``).
    - ``typo_threshold``: the confidence (0..1) from which a typo correction is applied rather
      than suggested; ``all_suggestions``: record every typo suggestion (by default only those
      above confidence 0.5, whose top candidate was right about half the time).
    - ``paragraph_sep``: ``"line"`` (one paragraph per line) or ``"blank"`` (a blank line
      between paragraphs); ``keep_furniture``: keep running headers and page numbers.
    - ``modernise``: historical letters in modern spelling (``ſ`` → ``s``); ``lm``: the path
      of a KenLM word language model (such as fcitx's ``zh_CN.lm``) that weighs Chinese typo
      candidates in their context.

    Bad arguments raise ValueError or TypeError, unreadable files OSError. A pipeline is
    reusable and thread-safe; it pickles (by its arguments), so it can be shipped to the
    workers of Ray, Spark or multiprocessing.
    """

    def clean_batch(
        self,
        texts: Any,
        *,
        group_by: Any = None,
        changes: bool = False,
        threads: Optional[int] = None,
    ) -> Any:
        """Cleans many texts in parallel (``threads`` workers, default: one per core) with the
        GIL released, and returns the cleaned texts in input order.

        ``texts`` is an iterable of ``str`` (``None`` items stay ``None``) or a pyarrow string
        array (Array or ChunkedArray, nulls stay null); an arrow input gives an arrow array of
        the same string type, any other a list. A text that cleaning leaves as it was is
        returned as the same object.

        ``group_by``: one key per text (a list, or a pyarrow array); consecutive texts with
        equal keys are the pages of one document, cleaned together (running headers, page
        numbers and fragments continued across pages are seen) and returned one per page, as
        the command line's ``--group-by`` does. A ``None`` key is a document of its own.

        With ``changes=True``, returns ``(texts, changes)``, where ``changes[i]`` is the list of
        :class:`Change` of text ``i`` (``None`` for a ``None`` text), offsets in that text.

        A text that is not a ``str`` raises TypeError; a ``str`` with a lone surrogate (which
        has no UTF-8 form) raises ValueError. Both name the index.
        """
        arrow = texts if _is_arrow(texts) else None
        if arrow is not None:
            texts = arrow.to_pylist()
        if group_by is not None and _is_arrow(group_by):
            group_by = group_by.to_pylist()
        result = super().clean_batch(texts, group_by=group_by, changes=changes, threads=threads)
        if arrow is None:
            return result
        if changes:
            return _arrow_result(arrow, result[0]), result[1]
        return _arrow_result(arrow, result)


_PIPELINE_OPTIONS = frozenset(
    {
        "passes",
        "skip",
        "script",
        "lexicon",
        "protect",
        "typo_threshold",
        "confusions",
        "paragraph_sep",
        "keep_furniture",
        "all_suggestions",
        "modernise",
        "lm",
    }
)


def _freeze(value: Any) -> Any:
    """A hashable form of an option's value (lists become tuples)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    raise TypeError("unhashable option")


@functools.lru_cache(maxsize=8)
def _cached_pipeline(key: tuple) -> Pipeline:
    return Pipeline(**dict(key))


def _pipeline(options: dict) -> Pipeline:
    """The pipeline for these options: one of the last few built, or a new one when the
    options name files (which may change between calls)."""
    unknown = set(options) - _PIPELINE_OPTIONS
    if unknown:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    files = any(
        k in ("lexicon", "protect", "confusions") and isinstance(v, (str, os.PathLike))
        for k, v in options.items()
    )
    if files or options.get("confusions") is not None:
        return Pipeline(**options)
    try:
        key = tuple(sorted((k, _freeze(v)) for k, v in options.items()))
    except TypeError:
        return Pipeline(**options)
    return _cached_pipeline(key)


def clean(text: str, **options: Any) -> Cleaned:
    """Cleans one text with a pipeline built from ``options`` (the keyword arguments of
    :class:`Pipeline`): ``ocrtidy.clean(text, skip=["typo"])``."""
    return _pipeline(options).clean(text)


def clean_pages(pages: Iterable[str], **options: Any) -> list:
    """Cleans the pages of one document together; one :class:`Cleaned` per page."""
    return _pipeline(options).clean_pages(pages)


def clean_batch(
    texts: Any,
    *,
    group_by: Any = None,
    changes: bool = False,
    threads: Optional[int] = None,
    **options: Any,
) -> Any:
    """:meth:`Pipeline.clean_batch` with a pipeline built from ``options``."""
    return _pipeline(options).clean_batch(
        texts, group_by=group_by, changes=changes, threads=threads
    )


def clean_document(
    source: Union[str, "os.PathLike[str]", bytes],
    format: str = "auto",
    *,
    encoding: Optional[str] = None,
    max_doc_bytes: int = MAX_DOC_BYTES,
    **options: Any,
) -> CleanedDocument:
    """:meth:`Pipeline.clean_document` with a pipeline built from ``options``."""
    return _pipeline(options).clean_document(
        source, format, encoding=encoding, max_doc_bytes=max_doc_bytes
    )


def clean_jsonl(
    src: Union[str, "os.PathLike[str]"],
    dst: Union[str, "os.PathLike[str]"],
    *,
    field: str = "text",
    id_field: str = "id",
    group_by: Union[str, Sequence[str], None] = None,
    layout_fields: Union[str, Sequence[str], None] = None,
    layout_format: str = "auto",
    layout_root: Union[str, "os.PathLike[str]", None] = None,
    changes: Union[str, "os.PathLike[str]", None] = None,
    errors: Union[str, "os.PathLike[str]", None] = None,
    threads: Optional[int] = None,
    max_doc_bytes: int = MAX_DOC_BYTES,
    **options: Any,
) -> dict:
    """:meth:`Pipeline.clean_jsonl` with a pipeline built from ``options``."""
    return _pipeline(options).clean_jsonl(
        src,
        dst,
        field=field,
        id_field=id_field,
        group_by=group_by,
        layout_fields=layout_fields,
        layout_format=layout_format,
        layout_root=layout_root,
        changes=changes,
        errors=errors,
        threads=threads,
        max_doc_bytes=max_doc_bytes,
    )
