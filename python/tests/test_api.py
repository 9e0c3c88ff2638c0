"""The Python API over the library: results, the ledger, batches, documents, JSON Lines,
errors, pickling and threads, checked against the command line where it has an equivalent."""

from __future__ import annotations

import ast
import concurrent.futures
import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ocrtidy
from conftest import ROOT, read_jsonl

LEDGER_FIELDS = [
    "pass",
    "rule",
    "start",
    "end",
    "char_start",
    "char_end",
    "before",
    "after",
    "confidence",
    "applied",
    "candidates",
    "out_start",
    "out_end",
]

NEWSPAPER = (ROOT / "data" / "samples" / "zh-newspaper.txt").read_text(encoding="utf-8")


def texts_of(records: Path) -> list[str]:
    return [r["text"] for r in read_jsonl(records)]


def test_version_is_the_workspace_version():
    cargo = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    version = re.search(r'\[workspace\.package\]\s*version = "([^"]+)"', cargo).group(1)
    assert ocrtidy.__version__ == version


def test_clean_gives_text_changes_and_stats():
    cleaned = ocrtidy.clean("第一段  \r\n\r\n第二段\r\n")
    assert cleaned.text == str(cleaned) == "第一段\n第二段"
    assert cleaned.stats.converged and cleaned.stats.rounds >= 1
    assert cleaned.stats.rejected_edits == 0
    assert all(isinstance(c, ocrtidy.Change) for c in cleaned.changes)
    assert cleaned.applied == [c for c in cleaned.changes if c.applied]
    assert cleaned.suggestions == [c for c in cleaned.changes if not c.applied]
    assert "Cleaned(text='第一段\\n第二段'" in repr(cleaned)


def test_the_ledger_replays_and_has_every_field():
    # Every suggestion too (by default the sample's only one, at 0.24, is not recorded).
    cleaned = ocrtidy.clean(NEWSPAPER, all_suggestions=True)
    assert ocrtidy.replay(NEWSPAPER, cleaned.changes) == cleaned.text
    data = NEWSPAPER.encode("utf-8")
    assert cleaned.suggestions, "the sample has suggestions"
    for c in cleaned.changes:
        d = c.to_dict()
        assert list(d)[: len(LEDGER_FIELDS)] == LEDGER_FIELDS
        assert d["pass"] == c.pass_ == getattr(c, "pass")
        assert (c.rule, c.start, c.end, c.before, c.after) == (
            d["rule"], d["start"], d["end"], d["before"], d["after"])
        assert (c.char_start, c.char_end, c.out_start, c.out_end) == (
            d["char_start"], d["char_end"], d["out_start"], d["out_end"])
        assert 0.0 <= c.confidence <= 1.0
        if c.applied:
            assert data[c.start : c.end].decode("utf-8") == c.before
            assert NEWSPAPER[c.char_start : c.char_end] == c.before
            assert cleaned.text.encode("utf-8")[c.out_start : c.out_end].decode() == c.after
        assert [x.to_dict() for x in c.candidates] == d["candidates"]
        assert [s.to_dict() for s in c.history] == d.get("history", [])
        assert all(0.0 <= x.score <= 1.0 for x in c.candidates)
    with pytest.raises(ValueError):
        ocrtidy.replay("something else", cleaned.changes)


def test_changes_match_the_command_lines_ledger(cli, records, work):
    """clean_batch(changes=True) gives the records of `--changes` (less file, line and id)."""
    changes = work / "changes.jsonl"
    subprocess.run(
        [str(cli), "clean", "--jsonl", str(records), "-o", str(work / "out.jsonl"),
         "--changes", str(changes), "--quiet"],
        check=True,
    )
    by_line: dict[int, list[dict]] = {}
    for rec in read_jsonl(changes):
        line = rec.pop("line")
        rec.pop("file"), rec.pop("id", None)
        by_line.setdefault(line, []).append(rec)
    texts = texts_of(records)
    out, ledgers = ocrtidy.Pipeline().clean_batch(texts, changes=True)
    assert sum(map(len, ledgers)) == sum(map(len, by_line.values())) > 100
    for i, ledger in enumerate(ledgers):
        assert [c.to_dict() for c in ledger] == by_line.get(i + 1, [])
        assert ocrtidy.replay(texts[i], ledger) == out[i]


def test_clean_batch_is_clean_in_order(records):
    texts = texts_of(records)[:300]
    pipeline = ocrtidy.Pipeline()
    one_by_one = [pipeline.clean(t).text for t in texts]
    assert pipeline.clean_batch(texts) == one_by_one
    assert pipeline.clean_batch(texts, threads=1) == one_by_one
    assert pipeline.clean_batch(iter(texts), threads=3) == one_by_one
    assert ocrtidy.clean_batch(texts, threads=2) == one_by_one


def test_clean_batch_keeps_none_and_unchanged_objects():
    clean = "第一段。"
    out = ocrtidy.clean_batch([None, clean, "第一段  \r\n\r\n第二段\r\n"])
    assert out[0] is None and out[1] is clean and out[2] == "第一段\n第二段"
    texts, changes = ocrtidy.clean_batch([None, clean], changes=True)
    assert texts == [None, clean] and changes == [None, []]
    assert ocrtidy.clean_batch([]) == []


def test_clean_batch_groups_pages_as_clean_pages(records):
    recs = read_jsonl(records)[:200]
    texts = [r["text"] for r in recs]
    keys = [r["doc_id"] for r in recs]
    pipeline = ocrtidy.Pipeline()
    want = []
    i = 0
    while i < len(recs):
        j = i
        while j < len(recs) and keys[j] == keys[i]:
            j += 1
        want += [c.text for c in pipeline.clean_pages(texts[i:j])]
        i = j
    assert pipeline.clean_batch(texts, group_by=keys) == want
    # with the ledger kept (changes=True) or not, the same texts
    assert pipeline.clean_batch(texts, group_by=keys, changes=True)[0] == want
    # a None key is a document of its own
    alone = pipeline.clean_batch(texts[:3], group_by=[None, None, None])
    assert alone == pipeline.clean_batch(texts[:3])
    with pytest.raises(ValueError, match="2 keys for 3 texts"):
        pipeline.clean_batch(texts[:3], group_by=["a", "b"])


def test_pages_of_one_document_share_evidence():
    header = "晋中晚报 第5期"
    pages = [f"{header}\n\n第{i}页的正文内容比较长，这里是一个完整的句子。\n\n— {i} —" for i in range(1, 4)]
    together = ocrtidy.clean_batch(pages, group_by=["d"] * 3)
    assert all(header not in p for p in together), together


def test_clean_batch_accepts_pyarrow_arrays():
    pa = pytest.importorskip("pyarrow")
    texts = ["第一段  \r\n\r\n第二段\r\n", None, "abc"]
    want = ocrtidy.clean_batch(texts)
    for kind in (pa.string(), pa.large_string()):
        arr = pa.array(texts, type=kind)
        out = ocrtidy.clean_batch(arr)
        assert isinstance(out, pa.Array) and out.type == kind
        assert out.to_pylist() == want
        chunked = pa.chunked_array([arr[:1], arr[1:]])
        out = ocrtidy.clean_batch(chunked)
        assert isinstance(out, pa.ChunkedArray) and out.to_pylist() == want
    out, changes = ocrtidy.clean_batch(pa.array(texts), changes=True)
    assert out.to_pylist() == want and changes[1] is None
    keys = pa.array(["a", "a", "b"])
    assert ocrtidy.clean_batch(pa.array(texts), group_by=keys).to_pylist() == ocrtidy.clean_batch(
        texts, group_by=["a", "a", "b"])


def test_bad_input_raises_python_exceptions(tmp_path):
    with pytest.raises(TypeError, match=r"texts\[1\]: expected str, got int"):
        ocrtidy.clean_batch(["a", 3])
    with pytest.raises(ValueError, match=r"texts\[0\]: the text cannot be encoded as UTF-8"):
        ocrtidy.clean_batch(["\ud800"])
    with pytest.raises(TypeError):
        ocrtidy.clean_batch(5)
    with pytest.raises(TypeError, match="expected str, got bytes"):
        ocrtidy.clean(b"abc")
    with pytest.raises(ValueError, match="unknown pass `typos`"):
        ocrtidy.Pipeline(passes=["typos"])
    with pytest.raises(ValueError, match="unknown pass `nope`"):
        ocrtidy.Pipeline(skip="nope")
    with pytest.raises(ValueError, match="unknown script conversion"):
        ocrtidy.Pipeline(script="x2y")
    with pytest.raises(ValueError, match="needs a conversion"):
        ocrtidy.Pipeline(passes="script-convert")
    with pytest.raises(ValueError, match="between 0 and 1"):
        ocrtidy.Pipeline(typo_threshold=1.5)
    with pytest.raises(ValueError, match="paragraph_sep"):
        ocrtidy.Pipeline(paragraph_sep="none")
    with pytest.raises(FileNotFoundError) as e:
        ocrtidy.Pipeline(lexicon=tmp_path / "missing.tsv")
    assert e.value.filename == str(tmp_path / "missing.tsv")
    with pytest.raises(TypeError, match="unexpected keyword"):
        ocrtidy.clean("x", bogus=1)
    with pytest.raises(ValueError, match="threads must be at least 1"):
        ocrtidy.clean_batch(["a"], threads=0)
    bad = tmp_path / "bad.tsv"
    bad.write_text("词 notanumber\n", encoding="utf-8")
    with pytest.raises(ValueError, match="typo"):
        ocrtidy.Pipeline(lexicon=bad)


def test_options_reach_the_library():
    assert "typo" not in ocrtidy.Pipeline(skip=["typo"]).passes
    assert ocrtidy.Pipeline(passes="newlines,blank-lines").passes == ["newlines", "blank-lines"]
    assert ocrtidy.clean("漢字", script="t2s").text == "汉字"
    assert ocrtidy.clean("第一段\n\n\n第二段", paragraph_sep="blank").text == "第一段\n\n第二段"
    # a protected term is never corrected; a user lexicon is accepted in memory
    text = "残疾人土送去轮椅"

    def suggested(**options):
        return [
            c.before
            for c in ocrtidy.clean(text, passes=["typo"], all_suggestions=True, **options).suggestions
        ]

    # A weak suggestion (confidence about 0.24) is recorded only when all are asked for.
    assert "土" not in [c.before for c in ocrtidy.clean(text, passes=["typo"]).suggestions]
    assert "土" in suggested()
    assert "土" not in suggested(protect=["残疾人土"])
    assert "土" not in suggested(lexicon=["残疾人土 100000 n"])


def test_pipelines_pickle_by_their_arguments(tmp_path):
    protect = tmp_path / "protect.txt"
    protect.write_text("残疾人土\n", encoding="utf-8")
    for pipeline in (
        ocrtidy.Pipeline(),
        ocrtidy.Pipeline(skip=["typo"], paragraph_sep="blank", keep_furniture=True),
        ocrtidy.Pipeline(all_suggestions=True),
        ocrtidy.Pipeline(protect=protect, lexicon=["残疾人士 100"], typo_threshold=0.5),
    ):
        copy = pickle.loads(pickle.dumps(pipeline))
        assert type(copy) is ocrtidy.Pipeline
        assert repr(copy) == repr(pipeline) and copy.passes == pipeline.passes
        assert copy.clean(NEWSPAPER).text == pipeline.clean(NEWSPAPER).text


def test_one_pipeline_serves_many_threads(records):
    texts = texts_of(records)[:120]
    pipeline = ocrtidy.Pipeline()
    want = [pipeline.clean(t).text for t in texts]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda t: pipeline.clean(t).text, texts))
        batches = list(pool.map(lambda i: pipeline.clean_batch(texts[i::4], threads=2), range(4)))
    assert got == want
    for i, batch in enumerate(batches):
        assert batch == want[i::4]


def test_a_signal_stops_a_long_batch(records):
    """Ctrl-C (SIGINT) reaches Python while a batch is cleaned: the batch stops with the
    handler's exception, soon, not after the last text."""
    import signal
    import threading
    import time

    class Stop(Exception):
        pass

    texts = texts_of(records) * 40
    state = {"inside": False, "fired": False}

    def handler(signum, frame):
        state["fired"] = True
        if state["inside"]:
            raise Stop

    old = signal.signal(signal.SIGINT, handler)
    try:
        timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        t0 = time.perf_counter()
        state["inside"] = True
        try:
            with pytest.raises(Stop):
                ocrtidy.clean_batch(texts, threads=2)
        finally:
            state["inside"] = False
            timer.join()
        assert state["fired"] and time.perf_counter() - t0 < 20
    finally:
        signal.signal(signal.SIGINT, old)


def _clean_in_child(texts: list[str]) -> list[str]:
    return ocrtidy.clean_batch(texts, threads=2)


def test_clean_batch_works_after_fork(records):
    """A forked child (multiprocessing's default on Linux) gets worker threads of its own: the
    parent's pool has no threads there."""
    import multiprocessing

    texts = texts_of(records)[:50]
    want = ocrtidy.clean_batch(texts, threads=2)  # the parent's pool exists now
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply_async(_clean_in_child, (texts,)).get(timeout=120) == want


def test_clean_document_reads_files_and_bytes(tmp_path):
    sample = ROOT / "data" / "samples" / "zh-newspaper.txt"
    doc = ocrtidy.clean_document(sample)
    assert doc.format == "text" and doc.encoding == "UTF-8" and doc.path == sample
    assert isinstance(doc, ocrtidy.Cleaned)
    assert doc.text == ocrtidy.clean(NEWSPAPER).text
    assert ocrtidy.replay(doc.source_text, doc.changes) == doc.text
    # bytes in another encoding, and a UTF-8 BOM recorded as a change
    gbk = ocrtidy.clean_document("第一段  \r\n\r\n第二段的文字\r\n".encode("gbk"))
    assert (gbk.encoding, gbk.text, gbk.path) == ("GBK", "第一段\n第二段的文字", None)
    bom = ocrtidy.clean_document("\ufeff第一段".encode("utf-8"))
    assert bom.changes[0].rule == "bom" and ocrtidy.replay(bom.source_text, bom.changes) == "第一段"


def test_clean_document_matches_the_command_line(cli, tmp_path):
    for name in ("layout/page1.hocr", "layout/page1.rapidocr.json", "writeback/zh-page.alto.xml"):
        path = ROOT / "tests" / "data" / name
        out = subprocess.run(
            [str(cli), "clean", str(path), "--input-format", "auto"],
            check=True, capture_output=True,
        ).stdout.decode("utf-8")
        doc = ocrtidy.clean_document(path)
        # the command line's output file ends with a line break (a recorded change)
        assert doc.text + "\n" == out, name
        assert doc.format != "text"


def test_write_back_matches_the_command_line(cli, tmp_path):
    path = ROOT / "tests" / "data" / "writeback" / "zh-page.hocr"
    want = tmp_path / "cli.hocr"
    subprocess.run(
        [str(cli), "clean", str(path), "--input-format", "auto", "--write-back", str(want),
         "-o", str(tmp_path / "cli.txt"), "--quiet"],
        check=True,
    )
    doc = ocrtidy.clean_document(path)
    assert doc.elements(doc.changes[0])[0]["source"]["id"].startswith("word_")
    dest = tmp_path / "py.hocr"
    written = doc.write_back(dest)
    assert written.text == dest.read_text(encoding="utf-8") == want.read_text(encoding="utf-8")
    assert written.written > 0 and written.elements > 0
    with pytest.raises(ValueError, match="is the input file"):
        doc.write_back(path)
    with pytest.raises(ValueError, match="plain text"):
        ocrtidy.clean_document(b"plain text").write_back()
    rapid = ocrtidy.clean_document(ROOT / "tests" / "data" / "layout" / "page1.rapidocr.json")
    with pytest.raises(ValueError, match="cannot take corrections back"):
        rapid.write_back()


def test_clean_document_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        ocrtidy.clean_document(tmp_path / "missing.hocr")
    with pytest.raises(IsADirectoryError):
        ocrtidy.clean_document(tmp_path)
    with pytest.raises(ValueError, match="unknown input format"):
        ocrtidy.clean_document(b"x", format="docx")
    with pytest.raises(ValueError, match="not valid alto"):
        ocrtidy.clean_document(b"<alto><Layout>", format="alto")
    with pytest.raises(ValueError, match="binary file"):
        ocrtidy.clean_document(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match="over max_doc_bytes"):
        ocrtidy.clean_document(b"x" * 100, max_doc_bytes=10)
    with pytest.raises(TypeError):
        ocrtidy.clean_document(3.5)


def test_clean_jsonl_is_the_command_line_byte_for_byte(cli, records, tmp_path):
    src = tmp_path / "in.jsonl"
    data = records.read_bytes()
    # bad lines pass through and are reported: not JSON, no text field, a lone surrogate
    src.write_bytes(data + b'not json\n{"id": 9999}\n{"id": 10000, "text": "\\ud800"}\n\n')
    for extra in ([], ["--group-by", "doc_id"]):
        want = {k: tmp_path / f"cli.{k}" for k in ("out", "changes", "errors")}
        subprocess.run(
            [str(cli), "clean", "--jsonl", str(src), "-o", str(want["out"]), "--changes",
             str(want["changes"]), "--errors", str(want["errors"]), "--quiet", *extra],
            check=True,
        )
        got = {k: tmp_path / f"py.{k}" for k in want}
        summary = ocrtidy.clean_jsonl(
            str(src), got["out"], changes=got["changes"], errors=got["errors"],
            group_by=extra[1:] or None, threads=2,
        )
        for k in want:
            assert got[k].read_bytes() == want[k].read_bytes(), (k, extra)
        assert summary["lines"] == data.count(b"\n") + 4
        assert summary["errors"] == 3 and summary["blank"] == 1
        assert summary["records"] == summary["lines"] - 4 and summary["changed"] > 0


def test_clean_jsonl_never_replaces_an_input_nor_half_writes(records, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(records.read_bytes()[:5000].rsplit(b"\n", 1)[0] + b"\n")
    before = src.read_bytes()
    with pytest.raises(ValueError, match="is the input file"):
        ocrtidy.clean_jsonl(src, src)
    link = tmp_path / "link.jsonl"
    link.symlink_to(src)
    with pytest.raises(ValueError, match="is the input file"):
        ocrtidy.clean_jsonl(src, tmp_path / "out.jsonl", errors=link)
    with pytest.raises(ValueError, match="name one file"):
        ocrtidy.clean_jsonl(src, tmp_path / "o.jsonl", changes=tmp_path / "o.jsonl")
    assert src.read_bytes() == before
    with pytest.raises(FileNotFoundError):
        ocrtidy.clean_jsonl(tmp_path / "missing.jsonl", tmp_path / "out.jsonl")
    with pytest.raises(FileNotFoundError):
        ocrtidy.clean_jsonl(src, tmp_path / "no" / "such" / "dir.jsonl")
    existing = tmp_path / "existing.jsonl"
    existing.write_text("old\n")
    summary = ocrtidy.clean_jsonl(src, existing)
    assert summary["lines"] == before.count(b"\n")
    assert existing.read_bytes() != b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "existing.jsonl", "in.jsonl", "link.jsonl"]


def test_clean_jsonl_reads_layout_fields(cli, tmp_path):
    data = ROOT / "tests" / "data" / "layout"
    src = tmp_path / "pages.jsonl"
    for name in ("page1.hocr", "page1.rapidocr.json"):
        (tmp_path / name).write_bytes((data / name).read_bytes())
    src.write_text(
        json.dumps({"id": 1, "text": "raw", "layout": "page1.hocr"}) + "\n"
        + json.dumps({"id": 2, "text": "raw", "layout": "page1.rapidocr.json"}) + "\n"
        + json.dumps({"id": 3, "text": "raw", "layout": "missing.hocr"}) + "\n",
        encoding="utf-8",
    )
    want = tmp_path / "cli.jsonl"
    subprocess.run([str(cli), "clean", "--jsonl", str(src), "--layout-field", "layout", "-o",
                    str(want), "--quiet"], check=True)
    got = tmp_path / "py.jsonl"
    summary = ocrtidy.clean_jsonl(src, got, layout_fields="layout")
    assert got.read_bytes() == want.read_bytes()
    assert summary["from_layout"] == 2 and summary["layout_fallbacks"] == 1


def test_passes_and_rules_are_listed():
    names = [name for name, _ in ocrtidy.list_passes()]
    assert names[0] == "control-chars" and "typo" in names and names[-1] == "blank-lines"
    # Script conversion and modern spelling run only when asked for.
    opt_in = ("script-convert", "modernise")
    assert ocrtidy.Pipeline().passes == [n for n in names if n not in opt_in]
    assert "modernise" in ocrtidy.Pipeline(modernise=True).passes
    assert ocrtidy.Pipeline(modernise=True).clean("iſt").text == "ist"
    [(pass_, rule, text)] = ocrtidy.explain("typo/typo-zh")
    assert (pass_, rule) == ("typo", "typo-zh") and len(text) > 40
    assert ocrtidy.explain("no-such-rule") == []


def test_the_stubs_cover_the_native_module():
    """Every public name of ocrtidy._ocrtidy, and every method of its classes, is in the stub."""
    stub = ast.parse((Path(ocrtidy.__file__).parent / "_ocrtidy.pyi").read_text(encoding="utf-8"))

    def names(body) -> set[str]:
        return {n.name for n in body if isinstance(n, (ast.FunctionDef, ast.ClassDef))} | {
            n.target.id for n in body
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
        }

    declared = {n: set() for n in names(stub.body)}
    for node in stub.body:
        if isinstance(node, ast.ClassDef):
            # `pass` (a keyword) cannot be declared: `pass_` stands for it
            declared[node.name] = names(node.body) | {"pass"}
    native = ocrtidy._ocrtidy
    for name in dir(native):
        if name.startswith("__") and name != "__version__":
            continue
        assert name in declared, f"{name} is not in _ocrtidy.pyi"
        obj = getattr(native, name)
        if isinstance(obj, type):
            own = {m for m in vars(obj) if not m.startswith("_") or m in ("__init__",)}
            missing = own - declared[name] - {"__init__"}
            assert not missing, f"{name}: {sorted(missing)} not in the stub"
    assert ocrtidy.__doc__ and ocrtidy.Pipeline.__doc__ and ocrtidy.Pipeline.clean_batch.__doc__
    assert ocrtidy.Change.to_dict.__doc__ and ocrtidy.CleanedDocument.write_back.__doc__


def test_the_stubs_agree_with_the_module_and_type_check(tmp_path):
    """mypy's stubtest compares _ocrtidy.pyi with the compiled module; mypy checks the
    package's own Python against it."""
    from conftest import require

    require("mypy")
    here = Path(__file__).parent
    allow = here / "stubtest-allowlist.txt"
    for args in (
        ["-m", "mypy.stubtest", "ocrtidy._ocrtidy", "--allowlist", str(allow)],
        ["-m", "mypy", "--cache-dir", os.devnull, "-p", "ocrtidy"],
    ):
        # from elsewhere than python/, so that the installed package is the one checked
        done = subprocess.run(
            [sys.executable, *args], capture_output=True, text=True, cwd=tmp_path
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_a_language_model_that_is_missing_or_not_kenlm_is_an_error(tmp_path):
    with pytest.raises(OSError):
        ocrtidy.Pipeline(lm=tmp_path / "missing.lm")
    bad = tmp_path / "bad.lm"
    bad.write_text("\\data\\\nngram 1=1\n")
    with pytest.raises(ValueError, match="KenLM"):
        ocrtidy.Pipeline(lm=bad)
    with pytest.raises(TypeError):
        ocrtidy.Pipeline(lm=3)


def test_a_kenlm_model_is_loaded_and_the_pipeline_pickles_with_it():
    model = ROOT / "crates" / "ocrtidy-typo" / "tests" / "kenlm_data" / "tiny.trie.bin"
    pipeline = ocrtidy.Pipeline(lm=model)
    cleaned = pipeline.clean(NEWSPAPER)
    # The fixture's words are not Chinese: the model knows none of the page's words, and the
    # layout and normalisation are those of the pipeline without it.
    plain = ocrtidy.Pipeline(skip=["typo"]).clean(NEWSPAPER).text
    assert ocrtidy.Pipeline(lm=model, skip=["typo"]).clean(NEWSPAPER).text == plain
    copy = pickle.loads(pickle.dumps(pipeline))
    assert copy.clean(NEWSPAPER).text == cleaned.text
    assert ocrtidy.clean(NEWSPAPER, lm=str(model)).text == cleaned.text
