"""The review queue: most uncertain first, near misses included."""

from __future__ import annotations

import numpy as np

from thesis_analysis.autocode.combine import CombinedCoder
from thesis_analysis.autocode.queue import QUEUE_COLUMNS, build_review_queue


def test_queue_is_ordered_by_margin_per_segment(small_rule_coder, small_model, small_labelled):
    coder = CombinedCoder(small_rule_coder, small_model[0])
    texts = small_labelled.texts["text"].tolist()
    ids = small_labelled.texts["id"].tolist()
    queue = build_review_queue(ids, texts, coder.code_docs(texts), coder.model)
    assert list(queue.columns) == QUEUE_COLUMNS
    assert queue["rank"].tolist() == list(range(1, len(queue) + 1))
    first = queue.groupby("segment_id", sort=False)["margin"].min().to_numpy()
    assert np.all(np.diff(first) >= 0)
    assert set(queue["decision"]) <= {"coded", "not coded"}
    near = queue[queue["decision"] == "not coded"]
    assert (near["confidence"] < near["threshold"]).all()


def test_queue_without_a_model_has_only_rule_codings(small_rule_coder):
    coder = CombinedCoder(small_rule_coder, None)
    texts = ["Tellingen er tullete.", "Hei."]
    queue = build_review_queue(["a", "b"], texts, coder.code_docs(texts), None)
    assert set(queue["source"]) == {"rule"} and set(queue["segment_id"]) == {"a"}
