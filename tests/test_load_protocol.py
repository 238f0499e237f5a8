"""The protocol-level load client (bench/st_protocol.py, bench/load_protocol.py) against a real
`streamlit run app.py`: one buyer ticks « ESAT » and reads the count the core gives for that filter.

Without this, a change of the page or of Streamlit's protocol could leave the load bench timing
answers that do not carry the count at all, and its figures would look better than the app."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from sourcing.directory import load_demo
from sourcing.search import SearchIndex, SearchQuery, search
from tests.helpers import load_script


def _run(coroutine):
    """`asyncio.run` in a thread of its own: in the whole suite, Playwright's sync API (the browser
    tests, run before) leaves an event loop running in the main thread, where asyncio.run refuses."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _one_buyer_filters(url: str, client, bench) -> list[int | None]:
    """Counts shown: on opening, after ticking ESAT, after unticking it."""

    async def visit() -> list[int | None]:
        session = await client.Session.open(url)
        try:
            counts = [(await session.rerun((bench.COUNT_TEXT,))).text_with(bench.COUNT_TEXT)]
            for ticked in (True, False):
                session.set_bool("t_ESAT", ticked)
                run = await session.rerun((bench.COUNT_TEXT,))
                assert bench.COUNT_TEXT in run.seen_s and run.seen_s[bench.COUNT_TEXT] <= run.finished_s
                counts.append(run.text_with(bench.COUNT_TEXT))
            return [bench.shown_count(text) for text in counts]
        finally:
            await session.close()

    return _run(visit())


def test_a_protocol_buyer_reads_the_count_the_core_gives_and_the_bench_steps_succeed(tmp_path):
    bench = load_script("bench/load_protocol.py")
    client = load_script("bench/st_protocol.py")
    index = SearchIndex.build(load_demo())
    everything, esat = search(index, SearchQuery()).total, search(index, SearchQuery(kinds=("ESAT",))).total
    assert 0 < esat < everything  # the filter changes the count: a stale count cannot pass
    with bench.app_processes(1, tmp_path) as (urls, _pids):
        assert _one_buyer_filters(urls[0], client, bench) == [everything, esat, everything]
        # The bench's whole visit (filter changes, card, add to a list), its counts checked the same way.
        result = _run(bench.run_buyers(urls[0], 1, 2, (0.0, 0.0), 0, {False: everything, True: esat}))
    assert result["errors"] == []
    assert {step: len(values) for step, values in result["times"].items()} == {
        "open": 1, "filter": 2, "filter_run": 2, "card": 1, "add": 1
    }  # fmt: skip


def test_on_a_team_store_the_buyers_read_the_counts_the_cli_gives(tmp_path):
    """`--store`: the buyers search a team directory store (here 400 generated CRESS-style suppliers,
    made as bench/browser_scale.py makes its 100,000 and 1,000,000), and the counts they must read come
    from the CLI on that store, not from the demo's."""
    bench = load_script("bench/load_protocol.py")
    client = load_script("bench/st_protocol.py")
    scale = load_script("bench/browser_scale.py")
    store = scale.make_store(tmp_path, 400)
    expected = bench.expected_counts(store)
    demo = bench.expected_counts()
    # The generator puts a few bad rows in each file, which the import rejects (999,000 of 1,000,000).
    assert 390 <= expected[False] <= 400 and 0 < expected[True] < expected[False] and expected != demo
    work = tmp_path / "run"
    work.mkdir()
    bench.copy_store_database(store, work)  # as each measurement does
    with bench.app_processes(1, work, data_dir=store) as (urls, _pids):
        assert _one_buyer_filters(urls[0], client, bench) == [expected[False], expected[True], expected[False]]
    assert f"{expected[False]} suppliers" in bench.directory_label(store, expected)
