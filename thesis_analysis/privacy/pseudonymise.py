"""``pseudonymise IN_DIR --out OUT_DIR --key KEY.csv``: the one module that reads and writes.

The input is never changed; every output (transcripts, key, review) is written atomically,
and only after every file has been read and checked. The key and the review report hold the
originals: they are refused inside OUT_DIR, IN_DIR and the project's ``transcripts/``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from thesis_analysis.errors import InputError
from thesis_analysis.privacy.config import load_name_lists, load_project_lists
from thesis_analysis.privacy.detect import Detector
from thesis_analysis.privacy.lexicon import load_lexicon
from thesis_analysis.privacy.placeholders import (
    KEY_COLUMNS,
    KeyRow,
    PlaceholderMap,
    build_key_frame,
    parse_key_frame,
)
from thesis_analysis.privacy.report import build_review_frame, render_review_markdown
from thesis_analysis.privacy.scan import (
    assign_placeholders,
    pseudonymise_file,
    restore_text,
    scan_file,
)
from thesis_analysis.privacy.transcript_text import decode_transcript, read_layout, remove_flag
from thesis_analysis.writers import write_bytes_atomic, write_text_atomic


def run_pseudonymise(
    in_dir: Path,
    out_dir: Path,
    key_path: Path,
    *,
    force: bool = False,
    reverse: bool = False,
    project_root: Path = Path("."),
    detector: Detector | None = None,
) -> str:
    """Pseudonymise (or, with ``reverse``, restore) every ``*.md`` transcript of ``in_dir``.

    Returns a one-paragraph summary. ``detector`` lets tests and benchmarks pass one built
    once; by default it is built from the shipped lists, the lexicon and
    ``project_root/pseudonymise.yaml``.
    """
    in_dir, out_dir, key_path = Path(in_dir), Path(out_dir), Path(key_path)
    check_paths(in_dir, out_dir, key_path, Path(project_root))
    names = list_transcripts(in_dir)
    texts = {name: decode_transcript((in_dir / name).read_bytes(), name) for name in names}
    if reverse:
        return restore_all(texts, out_dir, key_path, force=force)
    if detector is None:
        lists = load_name_lists()
        detector = Detector(
            lists, load_lexicon(lists.ordinary_words), load_project_lists(Path(project_root))
        )
    old_rows = read_key(key_path) if key_path.exists() else []
    mapping = PlaceholderMap(old_rows)
    scanned = [scan_file(n, texts[n], read_layout(texts[n], n), detector) for n in names]
    assign_placeholders(scanned, mapping)
    done = [pseudonymise_file(s, mapping) for s in scanned]
    outputs = {f.name: f.text for f in done}
    refuse_existing(out_dir, outputs, force)
    new_rows = merge_key_rows(old_rows, [r for f in done for r in f.key_rows], outputs)
    key_text = render_key(new_rows + mapping.list_mapping_rows())
    key_changed = not key_path.exists() or key_path.read_text(encoding="utf-8") != key_text
    if key_changed and key_path.exists() and not force:
        raise InputError(
            f"{key_path.name}: the key would change (new identifiers); pass --force to update "
            "it (its placeholders are kept), or give another --key"
        )
    for name, text in outputs.items():
        write_bytes_atomic(out_dir / name, text.encode("utf-8"))
    if key_changed:
        write_text_atomic(key_path, key_text)
    review = build_review_frame([item for f in done for item in f.review])
    stem = key_path.with_name(key_path.stem + "-review")
    write_text_atomic(stem.with_suffix(".md"), render_review_markdown(review))
    write_text_atomic(stem.with_suffix(".csv"), review.to_csv(index=False, lineterminator="\n"))
    replaced = int((review["status"] == "replaced").sum())
    unsure = int((review["status"] == "unsure").sum())
    placeholders = len({r.placeholder for f in done for r in f.key_rows})
    others = sorted(p.name for p in in_dir.iterdir() if p.is_file() and p.suffix != ".md")
    skipped = (
        f" Not transcripts, so neither read nor copied: {', '.join(others[:10])}"
        f"{' …' if len(others) > 10 else ''}."
        if others
        else ""
    )
    return (
        f"Pseudonymised {len(done)} transcript(s) from {in_dir.name}/ into {out_dir.name}/: "
        f"{replaced} replacement(s) with {placeholders} placeholder(s); key "
        f"{'written to' if key_changed else 'unchanged in'} {key_path.name}. Read the review "
        f"{stem.name}.md before sharing: {unsure} capitalised word(s) were left as they are "
        "and need a human decision (add them to allow: or deny: in pseudonymise.yaml)." + skipped
    )


def check_paths(in_dir: Path, out_dir: Path, key_path: Path, project_root: Path) -> None:
    """Refuse paths that could change the input or put the key beside shared files."""
    if not in_dir.is_dir():
        raise InputError(f"{in_dir}: no such folder; give the folder of the transcripts")
    source, target = in_dir.resolve(), out_dir.resolve()
    if target == source or target.is_relative_to(source) or source.is_relative_to(target):
        raise InputError(
            f"{out_dir}: the output folder must be outside the input folder {in_dir.name}/ "
            "(and not contain it); the input is never changed"
        )
    key = key_path.resolve()
    for folder, what in (
        (target, "the output folder"),
        (source, "the input folder"),
        ((project_root / "transcripts").resolve(), "the project's transcripts/"),
    ):
        if key.is_relative_to(folder):
            raise InputError(
                f"{key_path}: the key holds the real names and must not be inside {what}; "
                "keep it somewhere private, e.g. outside the project"
            )


def list_transcripts(in_dir: Path) -> list[str]:
    """The names of the ``*.md`` files in ``in_dir``, sorted; none is an error."""
    names = sorted(p.name for p in in_dir.glob("*.md") if p.is_file())
    if not names:
        raise InputError(f"{in_dir}: no transcripts (*.md) found; give the transcripts folder")
    return names


def refuse_existing(out_dir: Path, outputs: dict[str, str], force: bool) -> None:
    """Refuse to overwrite files in ``out_dir`` unless ``force``."""
    existing = sorted(name for name in outputs if (out_dir / name).exists())
    if existing and not force:
        raise InputError(
            f"{out_dir}: would overwrite {', '.join(existing[:5])}"
            f"{' …' if len(existing) > 5 else ''}; pass --force or choose an empty folder"
        )


def read_key(key_path: Path) -> list[KeyRow]:
    """The rows of an existing key file."""
    try:
        frame = pd.read_csv(key_path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{key_path.name}: cannot read the key as UTF-8 CSV ({exc}); restore it from a copy"
        ) from exc
    return parse_key_frame(frame, key_path.name)


def merge_key_rows(
    old_rows: list[KeyRow], new_rows: list[KeyRow], outputs: dict[str, str]
) -> list[KeyRow]:
    """Old occurrences kept, except for files whose occurrences this run found anew."""
    renewed = {row.file for row in new_rows}
    kept = [r for r in old_rows if r.file and r.file not in renewed]
    return kept + new_rows


def render_key(rows: list[KeyRow]) -> str:
    """The key CSV text (UTF-8, LF)."""
    buffer = io.StringIO()
    build_key_frame(rows).to_csv(
        buffer, index=False, lineterminator="\n", columns=list(KEY_COLUMNS)
    )
    return buffer.getvalue()


def restore_all(texts: dict[str, str], out_dir: Path, key_path: Path, *, force: bool) -> str:
    """``--reverse``: put the originals back and drop the ``pseudonymised`` flag."""
    if not key_path.is_file():
        raise InputError(f"{key_path}: no such key; give the key the pseudonymisation wrote")
    rows = [r for r in read_key(key_path) if r.file]
    outputs = {}
    restored = 0
    for name, text in texts.items():
        mine = [r for r in rows if r.file == name]
        outputs[name] = remove_flag(restore_text(text, mine, name), name)
        restored += len(mine)
    refuse_existing(out_dir, outputs, force)
    for name, text in outputs.items():
        write_bytes_atomic(out_dir / name, text.encode("utf-8"))
    return (
        f"Restored {len(outputs)} transcript(s) into {out_dir.name}/ with {restored} "
        f"original(s) from {key_path.name}; the `pseudonymised: true` flag was removed."
    )
