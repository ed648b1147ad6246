"""The compute-once caches shared by the server's script threads (biwaq_data.figures.memo) and the protected
selection caches built on them: hammered from many threads at once, as sessions do on the server."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from biwaq_data import Filters, load_dataset, metrics, publication
from biwaq_data.figures import memo

ROOT = Path(__file__).resolve().parents[1]


def _hammer(n_threads: int, work) -> list:
    """Run work(i) on n threads released together; the exceptions they raised."""
    barrier = threading.Barrier(n_threads)
    errors = []

    def run(i):
        try:
            barrier.wait()
            work(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_one_key_is_computed_once_while_all_threads_wait_for_it():
    cache = memo.Memo(8)
    calls = []
    release = threading.Event()
    results = [None] * 16

    def compute():
        calls.append(1)
        release.wait(5)  # every other thread arrives while this one computes
        return object()

    def work(i):
        if i == 0:
            threading.Timer(0.2, release.set).start()
        results[i] = cache.get("key", compute)

    assert _hammer(16, work) == []
    assert len(calls) == 1
    assert all(r is results[0] for r in results)


def test_eviction_under_contention_keeps_the_bound_and_loses_nothing_asked_for():
    cache = memo.Memo(5)

    def work(i):
        for j in range(300):
            key = (i * 7 + j) % 23
            assert cache.get(key, lambda k=key: ("value", k)) == ("value", key)

    assert _hammer(12, work) == []
    assert len(cache) <= 5


def test_a_failed_computation_is_not_kept():
    cache = memo.Memo(4)

    def boom():
        raise ValueError("no")

    with pytest.raises(ValueError):
        cache.get("k", boom)
    assert "k" not in cache
    assert cache.get("k", lambda: 42) == 42


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(ROOT / "sample_data")


def test_selection_cache_under_threads(dataset):
    """Sessions asking for the same new selection at once get one object; many different selections at once
    (more than the caches hold, so entries are evicted while others are read) raise nothing and stay right."""
    same = Filters(ortsteile=(202, 508), period_start=dataset.participants["entry_date"].min().date().replace(
        day=15))
    got = [None] * 8
    assert _hammer(8, lambda i: got.__setitem__(i, publication.selection(dataset, same))) == []
    assert all(g is got[0] for g in got)
    assert dict(got[0]) == metrics.headline(dataset, same)

    numbers = sorted(int(x) for x in dataset.participants["ortsteil_nr"].dropna().unique())
    combos = [Filters(ortsteile=(a, b)) for a in numbers for b in numbers if a < b][:300]

    def work(i):
        for f in combos[i::6]:
            sel = publication.selection(dataset, f)
            assert sel["participants"] == metrics.headline(dataset, f)["participants"]
            sel.funnel()  # a lazily computed table of the shared selection

    assert _hammer(6, work) == []


def test_metric_frames_are_shared_and_equal_to_the_metrics(dataset):
    f = Filters(ortsteile=(202,))
    frame = memo.metric_frame(dataset, f, "breakdown:gender")
    assert memo.metric_frame(dataset, f, "breakdown:gender") is frame
    assert frame.equals(metrics.breakdown(dataset, "gender", f))
    assert memo.metric_frame(dataset, f, "services").equals(metrics.services_summary(dataset, f))
    assert memo.metric_frame(dataset, None, "headline") == metrics.headline(dataset)


def test_entries_of_a_collected_dataset_are_dropped():
    import dataclasses
    import gc

    base = load_dataset(ROOT / "sample_data")
    other = dataclasses.replace(base, snapshot_id="memo-test")  # a second dataset object (own version)
    key = memo.version_key(other)
    memo.per_version(other, "probe", lambda: "value")
    memo.per_selection(other, None, "probe", lambda: "value")
    assert (key, "probe") in memo._VERSION
    del other
    gc.collect()
    memo.version_key(base)  # the next lookup purges what the collector reported
    assert (key, "probe") not in memo._VERSION
    assert not any(k[0] == key for k in list(memo._SELECTION._entries))
