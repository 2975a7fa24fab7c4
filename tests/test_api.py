"""The HTTP API on a real server, spoken to by real clients: Triton's own client, `requests`
for the plain endpoint, raw HTTP for hostile requests, and schemathesis from the OpenAPI
document. The pages' server (`app_url`, as `make run` starts it) serves the API too."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import requests
import tritonclient.http as triton
from PIL import Image, ImageDraw
from starlette.applications import Starlette
from streamlit.testing.v1 import AppTest
from tritonclient.utils import InferenceServerException
from websockets.sync.client import connect

from benchmarks.load_test import open_page
from fashion_cnn.api import models as api_models
from fashion_cnn.api.batching import Batcher
from fashion_cnn.api.model_process import ModelProcess, classified
from fashion_cnn.api.routes import api_routes, served_routes
from fashion_cnn.cli import main as cli_main
from fashion_cnn.common import config
from fashion_cnn.common.contract import ModelFileError
from fashion_cnn.common.files import write_bytes_atomic
from fashion_cnn.common.priority import GIVE_WAY_SECONDS, NICENESS, PAGE_RUNS, PageRuns
from fashion_cnn.serving.predictor import load_bundled
from fashion_cnn.serving.preprocess import open_image, preprocess
from fashion_cnn.serving.verdict import KINDS
from tests.live_app import ROOT, running_api, running_app, served_in_this_process

HEAVY = ("tensorflow", "keras", "sklearn", "jax", "tf2onnx")


@pytest.fixture(scope="module")
def predictor():
    return load_bundled()


def client(url: str) -> triton.InferenceServerClient:
    return triton.InferenceServerClient(url.removeprefix("http://"), network_timeout=60)


def png(image: np.ndarray, size: int = 280) -> bytes:
    """A test image as a shop's photo: a dark garment on white, 280 px."""
    buffer = io.BytesIO()
    Image.fromarray(255 - np.asarray(image, np.uint8)).resize((size, size)).save(buffer, "PNG")
    return buffer.getvalue()


def drawing_png() -> bytes:
    """A trouser outline drawn with a thick pen, white strokes on a transparent canvas."""
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line(
        [
            (110, 40),
            (170, 40),
            (190, 250),
            (150, 250),
            (140, 110),
            (130, 250),
            (90, 250),
            (110, 40),
        ],
        fill=(255, 255, 255, 255),
        width=12,
    )
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    return buffer.getvalue()


def text(values) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else v for v in values]


def metric(url: str, name: str) -> float:
    body = requests.get(f"{url}/metrics", timeout=10).text
    found = re.search(rf"^{re.escape(name)} (\S+)$", body, re.M)
    return float(found.group(1)) if found else 0.0


# --- Triton's client, unchanged ----------------------------------------------------------


# Accepts one connection on a listening socket bound as Streamlit binds it (protocol 0)
# and prints whether the connection has Nagle's algorithm off (1) or on (0).
NODELAY_CHECK = """
import asyncio, socket, sys
if sys.argv[1] == "server":
    import streamlit_app  # as `streamlit run` imports it for `app`

async def main():
    listener = socket.socket(socket.AF_INET)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = asyncio.get_running_loop().create_future()

    def on_connect(reader, writer):
        sock = writer.get_extra_info("socket")
        accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    server = await asyncio.start_server(on_connect, sock=listener)
    await asyncio.open_connection(*listener.getsockname())
    print(await accepted)
    server.close()

asyncio.run(main())
"""


@pytest.mark.parametrize(("process", "nodelay"), [("plain", "0"), ("server", "1")])
def test_the_server_answers_without_nagles_delay(process, nodelay):
    """Streamlit binds its socket with protocol 0, on which asyncio leaves Nagle's algorithm
    on (each keep-alive answer then waited ~40 ms for a delayed ACK); streamlit_app.py
    turns it off for the server's connections."""
    run = [sys.executable, "-c", NODELAY_CHECK, process]
    out = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == nodelay


BLAS_THREADS = "max(i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas')"


@pytest.mark.parametrize("server", ["streamlit_app", "fashion_cnn.api.asgi"])
def test_both_servers_are_set_up_for_load(server):
    """Under API load a full garbage collection, about once a second, walked every object
    of the server, some 50 ms in which nothing was answered: both servers freeze the
    objects they start with, which a collection then skips. And NumPy's BLAS runs on one
    thread: its own threads, busy-waiting, kept the model's threads from running at once."""
    code = f"import gc, {server}; from threadpoolctl import threadpool_info; "
    code += f"print(gc.get_freeze_count(), {BLAS_THREADS})"
    run = [sys.executable, "-c", code]
    out = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    frozen, blas_threads = map(int, out.stdout.split()[-2:])
    assert frozen > 20_000  # 0 unfrozen
    assert blas_threads == 1


def test_a_request_for_the_model_waits_while_a_page_runs_and_no_longer():
    """A page's run (its script thread) holds requests for the model back until it ends,
    or for at most the time given; with no page running they go at once."""
    runs = PageRuns()
    started, release = threading.Event(), threading.Event()

    def page() -> None:
        with runs.running():
            started.set()
            release.wait(10)

    def start_page() -> threading.Thread:
        started.clear()
        release.clear()
        thread = threading.Thread(target=page)
        thread.start()
        assert started.wait(10)
        return thread

    async def waited(seconds: float) -> float:
        start = time.perf_counter()
        await runs.idle(seconds)
        return time.perf_counter() - start

    async def main() -> tuple[float, float, float]:
        alone = await waited(5)
        thread = start_page()
        held = asyncio.create_task(waited(5))
        await asyncio.sleep(0.3)
        assert not held.done()
        release.set()
        until_the_end = await held
        thread.join()
        thread = start_page()
        at_most = await waited(0.2)
        release.set()
        thread.join()
        return alone, until_the_end, at_most

    alone, until_the_end, at_most = asyncio.run(main())
    assert alone < 0.05
    assert 0.3 <= until_the_end < 2
    assert 0.2 <= at_most < 1.5


def test_a_request_waits_until_an_ended_runs_messages_are_sent():
    """After a page's script, a request for the model waits until the run's messages have
    reached the browser (`delivered`), and no longer than a give-way if they never do."""
    runs, sent = PageRuns(), threading.Event()

    async def waited() -> float:
        start = time.perf_counter()
        await runs.idle(5)
        return time.perf_counter() - start

    async def main() -> tuple[float, float]:
        with runs.running(sent.is_set):
            pass  # the script has run; its messages are on their way
        held = asyncio.create_task(waited())
        await asyncio.sleep(0.02)
        assert not held.done()
        sent.set()
        until_sent = await held
        with runs.running(lambda: False):  # a browser that never gets them
            pass
        never = await waited()
        # A request that came during the run waits past its end for its messages too.
        sent.clear()
        started, end = threading.Event(), threading.Event()

        def page() -> None:
            with runs.running(sent.is_set):
                started.set()
                end.wait(10)

        thread = threading.Thread(target=page)
        thread.start()
        started.wait(10)
        during = asyncio.create_task(waited())
        await asyncio.sleep(0.01)
        end.set()
        await asyncio.to_thread(thread.join)
        await asyncio.sleep(0.01)
        assert not during.done()  # the run is over, its messages are not sent
        sent.set()
        return until_sent, never, await during

    until_sent, never, during = asyncio.run(main())
    assert 0.02 <= until_sent < GIVE_WAY_SECONDS
    assert GIVE_WAY_SECONDS <= never < 1
    assert 0.02 <= during < GIVE_WAY_SECONDS + 0.05


DELIVERY_CHECK = """
import threading, time
import streamlit as st
from pages.views.server import run_delivered

delivered = run_delivered()
for i in range(30):
    st.write(f"line {i}")
during = delivered()


def report() -> None:
    deadline = time.monotonic() + 30
    while not delivered() and time.monotonic() < deadline:
        time.sleep(0.01)
    with open(RESULT, "w") as f:
        f.write(f"{during} {delivered()}")


threading.Thread(target=report).start()
"""


def test_the_server_knows_when_a_page_runs_messages_have_been_sent(tmp_path):
    """`run_delivered` (the entrypoint gives it to PAGE_RUNS) reads Streamlit's own account
    of a session: false at the end of the script (its last messages are still to go), true
    once the run is over, with the browser's session still open (closed, it would be true
    anyway)."""
    result, script = tmp_path / "delivered.txt", tmp_path / "app.py"
    script.write_text(DELIVERY_CHECK.replace("RESULT", repr(str(result))))
    with (
        running_app({"PYTHONPATH": str(ROOT)}, script=str(script)) as app,
        connect(app.websocket_url, subprotocols=["streamlit"], open_timeout=60) as ws,
    ):
        assert open_page(ws, "", 60)[1] is None  # a run, without error
        deadline = time.monotonic() + 30  # the session stays open: closed, it would settle
        while not result.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert result.read_text() == "False True"


def test_a_large_batch_runs_in_parts_at_once(real_data, predictor):
    """As the model process runs a batch: 256 images run in two parts at once, each in its
    own thread, and come back in order; 40 images run whole, in the calling thread."""
    calls = []

    class Recorded:
        def classify(self, images: np.ndarray, in_views: np.ndarray) -> list:
            calls.append((threading.get_native_id(), len(images)))
            return predictor.classify(images, in_views)

    images = real_data.x_test[:256].astype(np.float32)
    with ThreadPoolExecutor(2) as pool:
        results = classified(pool, 2, Recorded(), images, np.zeros(256, bool))
        assert [r.label for r in results] == [c.label for c in predictor.classify(images)]
        assert [n for _, n in calls] == [128, 128]
        assert len({thread for thread, _ in calls}) == 2
        calls.clear()
        classified(pool, 2, Recorded(), images[:40], np.zeros(40, bool))
    assert calls == [(threading.get_native_id(), 40)]


def model_process_pids(pid: int) -> list[int]:
    """The server `pid`'s model processes (its children running fashion_cnn.api.model_process)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += (task / "children").read_text().split()
    return [
        int(c)
        for c in children
        if b"fashion_cnn.api.model_process" in Path(f"/proc/{c}/cmdline").read_bytes()
    ]


def test_the_model_runs_in_a_process_below_the_servers_priority_and_comes_back_if_killed(
    real_data, predictor
):
    """A replica's batches run in its model process, every thread of it at a lower CPU
    priority than the server. Killed, the next request starts it again."""
    x = real_data.x_test[:8]
    body = {"inputs": [{**PIXEL_SPEC, "shape": [8, 28, 28, 1], "data": x.ravel().tolist()}]}
    expected = [c.label for c in predictor.classify(x)]

    def labels(url: str) -> list[str]:
        answer = requests.post(url + INFER, json=body, timeout=60)
        assert answer.status_code == 200, answer.text
        return answer.json()["outputs"][1]["data"]

    with running_api() as api:
        assert labels(api.url) == expected
        (child,) = model_process_pids(api.pid)
        server = os.getpriority(os.PRIO_PROCESS, api.pid)
        threads = [int(t.name) for t in Path(f"/proc/{child}/task").iterdir()]
        assert len(threads) > 2  # the parts' threads and ONNX Runtime's too
        assert {os.getpriority(os.PRIO_PROCESS, t) for t in threads} == {min(server + NICENESS, 19)}
        os.kill(child, signal.SIGKILL)
        answers = [requests.post(api.url + INFER, json=body, timeout=60) for _ in range(2)]
        assert [a.status_code for a in answers] in ([200, 200], [503, 200])
        assert labels(api.url) == expected
        (again,) = model_process_pids(api.pid)
    assert again != child


def test_a_replica_is_ready_once_its_model_process_answers(real_data, predictor):
    """The readiness probe starts the model process and says 200 only once it has answered
    a batch; requests then find it running. A model's own probe, after the process was
    killed, starts the next one."""
    x = real_data.x_test[:2]
    body = {"inputs": [{**PIXEL_SPEC, "shape": [2, 28, 28, 1], "data": x.ravel().tolist()}]}
    with running_api() as api:
        assert model_process_pids(api.pid) == []  # live, with nothing loaded yet
        assert requests.get(api.url + "/v2/health/ready", timeout=60).status_code == 200
        (child,) = model_process_pids(api.pid)
        answer = requests.post(api.url + INFER, json=body, timeout=60)
        assert answer.json()["outputs"][1]["data"] == [c.label for c in predictor.classify(x)]
        assert model_process_pids(api.pid) == [child]
        os.kill(child, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)  # until the server has reaped it
        ready = requests.get(api.url + "/v2/models/fashion_cnn/ready", timeout=60)
        assert ready.status_code == 200
        (again,) = model_process_pids(api.pid)
    assert again != child


def test_readiness_right_after_the_model_process_died_is_not_a_false_yes():
    """Probed the moment its model process is killed, a replica says 503, or 200 once a
    new process has answered; never 200 from the dead one."""
    with running_api() as api:
        for _ in range(3):
            assert requests.get(api.url + "/v2/health/ready", timeout=60).status_code == 200
            (child,) = model_process_pids(api.pid)
            os.kill(child, signal.SIGKILL)
            ready = requests.get(api.url + "/v2/health/ready", timeout=60)
            assert ready.status_code in (200, 503), ready.text
            if ready.status_code == 200:
                assert child not in model_process_pids(api.pid)
                assert model_process_pids(api.pid)


def test_a_model_process_without_its_model_files_is_not_ready(tmp_path, monkeypatch):
    """Where the models cannot load, readiness fails with ModelFileError (503)."""
    monkeypatch.setattr(config, "MODEL_DIR", tmp_path)

    async def main() -> None:
        process = ModelProcess(threads=1, parts=1)
        try:
            with pytest.raises(ModelFileError, match="model"):
                await process.answering("fashion_cnn")
        finally:
            process.close()

    asyncio.run(main())


def test_a_model_process_killed_mid_batch_fails_only_the_batches_it_held(real_data, predictor):
    """The batches a killed model process held get ModelFileError (503) at once, not a wait
    for ever; the next batch starts a new process and is answered right."""
    images = np.tile(real_data.x_test[:64], (16, 1, 1)).astype(np.float32)  # 1,024: ~0.2 s
    flat = np.zeros(len(images), bool)

    async def main() -> tuple[list, list]:
        process = ModelProcess(threads=1, parts=1)
        await process.classify("fashion_cnn", images[:1], flat[:1])  # started, models loaded
        held = [
            asyncio.create_task(process.classify("fashion_cnn", images, flat)) for _ in range(2)
        ]
        await asyncio.sleep(0.1)
        os.kill(process.child.process.pid, signal.SIGKILL)
        failed = await asyncio.wait_for(asyncio.gather(*held, return_exceptions=True), 5)
        after = await process.classify("fashion_cnn", images[:8], flat[:8])
        process.close()
        return failed, after

    failed, after = asyncio.run(main())
    assert [type(f) for f in failed] == [ModelFileError, ModelFileError]
    assert [r.label for r in after] == [c.label for c in predictor.classify(images[:8])]


def test_callers_share_batches_of_at_most_32_images(real_data, predictor, monkeypatch):
    """40 one-image callers at once run in a few batches, none over the server's default
    cap (so that one batch runs while the event loop answers the last), each answered its
    own."""
    calls = []

    async def classify(images: np.ndarray, in_views: np.ndarray) -> list:
        calls.append(len(images))
        return predictor.classify(images, in_views)

    monkeypatch.delenv("FASHION_CNN_API_MAX_BATCH", raising=False)

    async def main() -> list:
        settings = api_models.settings_from_environment()  # as the server's store reads it
        batcher = Batcher(classify, max_batch=settings["max_batch"])
        images = real_data.x_test[:40].astype(np.float32)
        runs = [batcher.run(image[None], np.zeros(1, bool)) for image in images]
        return [answer for answers in await asyncio.gather(*runs) for answer in answers]

    answers = asyncio.run(main())
    assert [a.label for a in answers] == [
        c.label for c in predictor.classify(real_data.x_test[:40])
    ]
    assert sum(calls) == 40 and max(calls) == 32 and len(calls) <= 3


def test_the_next_batch_waits_for_its_hook(real_data, predictor):
    """The batcher runs no batch until `before_batch` (the pages' runs) lets it."""
    calls = []

    async def classify(images: np.ndarray, in_views: np.ndarray) -> list:
        calls.append(len(images))
        return predictor.classify(images, in_views)

    async def main() -> list:
        free = asyncio.Event()
        batcher = Batcher(classify, before_batch=free.wait)
        images = real_data.x_test[:3].astype(np.float32)
        answer = asyncio.create_task(batcher.run(images, np.zeros(3, bool)))
        await asyncio.sleep(0.3)
        assert not calls and not answer.done()
        free.set()
        return await answer

    assert len(asyncio.run(main())) == 3 and calls == [3]


def test_two_batches_are_sent_at_once_and_no_more():
    """The next batch goes to the model while the last runs (the model starts it the
    moment it ends the last); a third waits for one of them."""
    running, release = [], asyncio.Event

    async def main() -> list[int]:
        free = release()

        async def classify(images: np.ndarray, in_views: np.ndarray) -> list:
            running.append(len(images))
            await free.wait()
            return [None] * len(images)

        batcher = Batcher(classify, max_batch=1)
        calls = [
            asyncio.create_task(batcher.run(np.zeros((1, 28, 28), np.float32), np.zeros(1, bool)))
            for _ in range(3)
        ]
        await asyncio.sleep(0.2)
        at_once = len(running)
        free.set()
        await asyncio.gather(*calls)
        return [at_once, len(running)]

    assert asyncio.run(main()) == [2, 3]


def test_the_servers_requests_for_the_model_wait_while_a_page_runs(real_data):
    """The API's routes with the process's PAGE_RUNS: a request while a page runs is held
    back at its start and again before its batch, each for the longest wait."""
    body = {"inputs": [{**PIXEL_SPEC, "data": real_data.x_test[0].ravel().tolist()}]}
    with served_in_this_process(Starlette(routes=api_routes())) as url:
        assert requests.post(url + INFER, json=body, timeout=60).ok  # the models loaded
        with PAGE_RUNS.running():
            start = time.perf_counter()
            answer = requests.post(url + INFER, json=body, timeout=60)
            held = time.perf_counter() - start
    assert answer.status_code == 200
    assert held >= 2 * GIVE_WAY_SECONDS


def test_the_entrypoint_marks_each_run_of_a_page(real_data):
    """streamlit_app.py counts a page's run in PAGE_RUNS while it runs, and not after."""
    seen, done = [], threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append(PAGE_RUNS.count)
            time.sleep(0.001)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        at = AppTest.from_file("../streamlit_app.py", default_timeout=180).run()
    finally:
        done.set()
        watcher.join()
    assert not at.exception
    assert max(seen) == 1 and PAGE_RUNS.count == 0


def test_health_and_metadata_with_tritonclient(app_url, predictor):
    c = client(app_url)
    assert c.is_server_live() and c.is_server_ready()
    assert "binary_tensor_data" in c.get_server_metadata()["extensions"]
    for model in ("fashion_cnn", "drawings_cnn"):
        assert c.is_model_ready(model)
        meta = c.get_model_metadata(model)
        assert [i["name"] for i in meta["inputs"]] == ["pixels", "image"]
    features = next(o for o in meta["outputs"] if o["name"] == "features")
    assert features["shape"] == [-1, predictor.feature_count]
    with pytest.raises(InferenceServerException, match="unknown model") as raised:
        c.get_model_metadata("resnet50")
    assert raised.value.status() == "404"


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "json"])
@pytest.mark.parametrize("datatype", ["UINT8", "FP32"])
def test_pixels_round_trip_equals_the_predictor(app_url, real_data, predictor, binary, datatype):
    x = real_data.x_test[:16, ..., None].astype(np.uint8 if datatype == "UINT8" else np.float32)
    tensor = triton.InferInput("pixels", list(x.shape), datatype)
    tensor.set_data_from_numpy(x, binary_data=binary)
    names = ("probabilities", "label", "verdict", "features")
    outputs = [triton.InferRequestedOutput(n, binary_data=binary) for n in names]
    result = client(app_url).infer("fashion_cnn", [tensor], outputs=outputs)
    expected = predictor.classify(real_data.x_test[:16])
    probabilities = np.stack([e.probabilities for e in expected])
    assert np.abs(result.as_numpy("probabilities") - probabilities).max() <= 1e-6
    assert text(result.as_numpy("label")) == [e.label for e in expected]
    assert text(result.as_numpy("verdict")) == [e.verdict.kind for e in expected]
    assert result.as_numpy("features").shape == (16, predictor.feature_count)


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "json-base64"])
def test_image_files_round_trip_as_an_upload_is_read(app_url, real_data, predictor, binary):
    files = [png(real_data.x_test[i]) for i in range(3)] + [drawing_png()]
    data = files if binary else [base64.b64encode(f) for f in files]
    tensor = triton.InferInput("image", [len(files)], "BYTES")
    tensor.set_data_from_numpy(np.array(data, dtype=np.object_), binary_data=binary)
    result = client(app_url).infer("fashion_cnn", [tensor], parameters={"kind": "auto"})
    read = [preprocess(open_image(f), "auto") for f in files]
    expected = predictor.classify(np.stack([r.image for r in read]), True)  # all in views
    assert read[-1].kind == "drawing"  # the outline was filled
    probabilities = np.stack([e.probabilities for e in expected])
    assert np.abs(result.as_numpy("probabilities") - probabilities).max() <= 1e-6
    assert text(result.as_numpy("label")) == [e.label for e in expected]


@pytest.mark.parametrize("algorithm", ["gzip", "deflate"])
def test_a_compressed_request_from_tritonclient_reads_as_a_plain_one(app_url, real_data, algorithm):
    x = real_data.x_test[:4, ..., None]
    tensor = triton.InferInput("pixels", list(x.shape), "UINT8")
    tensor.set_data_from_numpy(x)
    c = client(app_url)
    plain = c.infer("fashion_cnn", [tensor]).as_numpy("probabilities")
    packed = c.infer("fashion_cnn", [tensor], request_compression_algorithm=algorithm)
    assert np.array_equal(packed.as_numpy("probabilities"), plain)


def test_a_gzip_body_of_several_members_is_read_whole_and_other_encodings_refused(app_url):
    request = json.dumps({"inputs": [{**PIXEL_SPEC, "data": [0] * 784}]}).encode()
    half = len(request) // 2
    members = gzip.compress(request[:half]) + gzip.compress(request[half:])
    answer = requests.post(
        app_url + INFER, data=members, headers={"Content-Encoding": "gzip"}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    refused = requests.post(
        app_url + INFER, data=b"{}", headers={"Content-Encoding": "br"}, timeout=30
    )
    assert refused.status_code == 415 and refused.headers["Accept-Encoding"] == "gzip, deflate"
    assert refused.headers["Connection"] == "close"  # its body is never read


def test_the_cnn_for_drawings_is_served_by_its_name(app_url, real_data, predictor):
    x = real_data.x_test[:8, ..., None]
    tensor = triton.InferInput("pixels", list(x.shape), "UINT8")
    tensor.set_data_from_numpy(x)
    result = client(app_url).infer("drawings_cnn", [tensor])
    expected = predictor.drawings_model.probabilities(real_data.x_test[:8])
    assert np.abs(result.as_numpy("probabilities") - expected).max() <= 1e-6


# --- The plain endpoint ------------------------------------------------------------------


def test_plain_endpoint_answers_each_file_as_the_command_line(app_url, real_data, tmp_path):
    paths = [tmp_path / "boot.png", tmp_path / "drawn.png", tmp_path / "notes.txt"]
    paths[0].write_bytes(png(real_data.x_test[0]))
    paths[1].write_bytes(drawing_png())
    paths[2].write_text("not a picture")
    files = [("file", (p.name, p.read_bytes())) for p in paths]
    response = requests.post(f"{app_url}/api/classify?top=2", files=files, timeout=60)
    assert response.status_code == 200
    answers = response.json()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli_main(["predict", "--json", "--top", "2", *map(str, paths)])
    expected = [json.loads(line) for line in out.getvalue().splitlines()]
    for answer, line, path in zip(answers, expected, paths, strict=True):
        assert answer.pop("file") == path.name
        line.pop("file")
        assert answer == line
    assert "error" in answers[2] and answers[0]["label"] == "Ankle boot"


def test_plain_endpoint_takes_an_image_as_the_body(app_url, real_data):
    response = requests.post(
        f"{app_url}/api/classify?name=boot.png&kind=photo",
        data=png(real_data.x_test[0]),
        headers={"content-type": "image/png"},
        timeout=60,
    )
    assert response.status_code == 200
    [answer] = response.json()
    assert answer["file"] == "boot.png" and answer["label"] == "Ankle boot"
    assert len(answer["top"]) == 3 and answer["verdict"] in KINDS[:3]  # a garment, read


# --- Bad input: a 4xx with one line ------------------------------------------------------


def tiff() -> bytes:
    """A picture in a format Pillow reads and the app does not take (fewer decoders)."""
    buffer = io.BytesIO()
    Image.new("L", (64, 64), 255).save(buffer, "TIFF")
    return buffer.getvalue()


INFER = "/v2/models/fashion_cnn/infer"
PIXEL_SPEC = {"name": "pixels", "datatype": "FP32", "shape": [1, 28, 28, 1]}
OVERRUN_HEAD = json.dumps(  # says 784 bytes of binary data follow; 10 do
    {"inputs": [{**PIXEL_SPEC, "datatype": "UINT8", "parameters": {"binary_data_size": 784}}]}
).encode()
REASONS = {  # a word each error's reason must hold
    "binary size overruns": "overruns",
    "text as pixels": "numbers",
    "true as pixels": "numbers",
    "FP64 pixels": "UINT8 or FP32",
    "Triton's classification": "classification",
    "header length not a number": "whole number",
    "top not a number": "whole number",
    "top of 0": "from 1 to 10, not '0'",
    "top of -1": "from 1 to 10, not '-1'",
    "unknown model": "unknown model",
    "not JSON": "JSON",
    "wrong shape": "shape",
    "too few values": "10 values, where its shape holds 784",
    "one value": "1 value, where",
    "out of range": "0-255",
    "form without boundary": "cannot be read: Missing boundary",
    "pixels of 0-1": "not 0-1",
    "pixels without their channel": "shape [n, 28, 28, 1]",
    "image of shape [1, 2]": "shape [n] or [n, 1]",
    "deflate then junk": "follow the body's deflate data",
    "brotli body": "gzip, deflate or none",
    "gzip cut short": "cut short",
    "gzip bomb": "inflated",
    "TIFF file": "PNG, JPEG, WebP, GIF or BMP",
    "image not base64": "base64",
    "not an image": "not an image",
    "id nested 1,000 deep": '"id" must be a string, not [[[...]]]',
    "datatype nested 1,000 deep": "datatype [[[...]]] is not supported",
    "kind nested 1,000 deep": "kind must be one of",
    "NaN as a pixel": "not valid JSON: unexpected character",
}
DEEP = b"[" * 1000 + b"]" * 1000  # orjson reads 1,024 levels; Python's repr would not
BAD_REQUESTS = {
    "unknown model": ("/v2/models/resnet/infer", b"{}", {}, 404),
    "unknown version": ("/v2/models/fashion_cnn/versions/7/infer", b"{}", {}, 404),
    "not JSON": (INFER, b"{inputs:", {}, 400),
    "no inputs": (INFER, b'{"outputs": []}', {}, 400),
    "wrong shape": (
        INFER,
        {"inputs": [{**PIXEL_SPEC, "shape": [1, 28], "data": [0] * 28}]},
        {},
        400,
    ),
    "too few values": (INFER, {"inputs": [{**PIXEL_SPEC, "data": [0] * 10}]}, {}, 400),
    "one value": (INFER, {"inputs": [{**PIXEL_SPEC, "data": [[[1]]]}]}, {}, 400),
    "out of range": (INFER, {"inputs": [{**PIXEL_SPEC, "data": [1e6] * 784}]}, {}, 400),
    "pixels of 0-1": (INFER, {"inputs": [{**PIXEL_SPEC, "data": [0.5] * 784}]}, {}, 400),
    "strings as pixels": (INFER, {"inputs": [{**PIXEL_SPEC, "data": ["a"] * 784}]}, {}, 400),
    "datatype object": (INFER, {"inputs": [{**PIXEL_SPEC, "datatype": {}, "data": []}]}, {}, 400),
    "unknown output": (
        INFER,
        {"inputs": [{**PIXEL_SPEC, "data": [0] * 784}], "outputs": [{"name": "logits"}]},
        {},
        400,
    ),
    "image not base64": (
        INFER,
        {"inputs": [{"name": "image", "datatype": "BYTES", "shape": [1], "data": ["%%%"]}]},
        {},
        400,
    ),
    "binary size overruns": (
        INFER,
        OVERRUN_HEAD + bytes(10),
        {"Inference-Header-Content-Length": str(len(OVERRUN_HEAD))},
        400,
    ),
    "text as pixels": (INFER, {"inputs": [{**PIXEL_SPEC, "data": ["7"] * 784}]}, {}, 400),
    "true as pixels": (INFER, {"inputs": [{**PIXEL_SPEC, "data": [True] * 784}]}, {}, 400),
    "FP64 pixels": (
        INFER,
        {"inputs": [{**PIXEL_SPEC, "datatype": "FP64", "data": [0] * 784}]},
        {},
        400,
    ),
    "Triton's classification": (
        INFER,
        {
            "inputs": [{**PIXEL_SPEC, "data": [0] * 784}],
            "outputs": [{"name": "probabilities", "parameters": {"classification": 3}}],
        },
        {},
        400,
    ),
    "header length not a number": (INFER, b"{}", {"Inference-Header-Content-Length": "²"}, 400),
    "top not a number": ("/api/classify?top=%C2%B2", b"x", {}, 400),
    "header length beyond the body": (INFER, b"{}", {"Inference-Header-Content-Length": "99"}, 400),
    "empty upload": ("/api/classify", b"", {"content-type": "image/png"}, 400),
    "not an image": ("/api/classify", b"GIF89a....", {"content-type": "image/gif"}, 400),
    "unknown kind": ("/api/classify?kind=sketch", b"x", {}, 400),
    "form without boundary": ("/api/classify", b"x", {"content-type": "multipart/form-data"}, 400),
    "top of 0": ("/api/classify?top=0", b"x", {}, 400),
    "pixels without their channel": (
        INFER,
        {"inputs": [{**PIXEL_SPEC, "shape": [1, 28, 28], "data": [0] * 784}]},
        {},
        400,
    ),
    "image of shape [1, 2]": (
        INFER,
        {"inputs": [{"name": "image", "datatype": "BYTES", "shape": [1, 2], "data": ["A", "A"]}]},
        {},
        400,
    ),
    "brotli body": (INFER, b"{}", {"Content-Encoding": "br"}, 415),
    "deflate then junk": (
        INFER,
        zlib.compress(b'{"inputs": []}') + b"junk",
        {"Content-Encoding": "deflate"},
        400,
    ),
    "gzip cut short": (
        INFER,
        gzip.compress(b'{"inputs": []}')[:-8],
        {"Content-Encoding": "gzip"},
        400,
    ),
    "gzip bomb": (
        "/api/classify",
        gzip.compress(bytes(21 * 2**20)),
        {"Content-Encoding": "gzip"},
        413,
    ),
    "TIFF file": ("/api/classify", tiff(), {"content-type": "image/tiff"}, 400),
    "top of -1": ("/api/classify?top=-1", b"x", {}, 400),
    "id nested 1,000 deep": (INFER, b'{"id": ' + DEEP + b', "inputs": []}', {}, 400),
    "datatype nested 1,000 deep": (
        INFER,
        b'{"inputs": [{"name": "pixels", "shape": [1], "data": [0], "datatype": ' + DEEP + b"}]}",
        {},
        400,
    ),
    "kind nested 1,000 deep": (
        INFER,
        b'{"inputs": [{"name": "image", "datatype": "BYTES", "shape": [1], "data": ["AA=="], '
        b'"parameters": {"kind": ' + DEEP + b"}}]}",
        {},
        400,
    ),
    "NaN as a pixel": (
        INFER,
        b'{"inputs": [{"name": "pixels", "datatype": "FP32", "shape": [1], "data": [NaN]}]}',
        {},
        400,
    ),
}


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=list(BAD_REQUESTS))
def test_bad_requests_get_a_one_line_4xx(app_url, case):
    path, body, headers, status = BAD_REQUESTS[case]
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    response = requests.post(app_url + path, data=body, headers=headers, timeout=30)
    assert response.status_code == status, response.text
    reason = response.json()["error"]
    assert reason and "\n" not in reason and "Traceback" not in reason
    assert REASONS.get(case, "") in reason


def test_too_many_files_get_one_line_in_our_words(app_url):
    files = [("file", (f"{i}.png", b"x")) for i in range(65)]
    response = requests.post(app_url + "/api/classify", files=files, timeout=30)
    assert response.status_code == 400
    assert response.json()["error"] == "too many parts: up to 64 files a request"


def test_when_no_file_can_be_read_each_reason_comes_back(app_url):
    files = [("file", ("notes.txt", b"hello")), ("file", ("cut.png", png(np.zeros((28, 28)))[:60]))]
    response = requests.post(app_url + "/api/classify", files=files, timeout=30)
    assert response.status_code == 400
    reason = response.json()["error"]
    assert reason.startswith("notes.txt: this is not an image file") and "\n" not in reason
    assert "; cut.png: the image is damaged or truncated" in reason


def png_header(width: int, height: int) -> bytes:
    """The start of a PNG of that size, and none of its pixels: decoded, it is truncated."""
    buffer = io.BytesIO()
    Image.new("L", (width, height), 255).save(buffer, "PNG")
    return buffer.getvalue()[:64]


def test_images_that_would_decode_too_large_together_get_413_before_any_is_decoded(app_url):
    """Three PNGs whose headers say 36 megapixels each (a second to decode, 0.3 MB to send,
    were they whole): cut after their headers, each decoded alone is refused as damaged,
    so a 413 says the request was refused from the headers, before decoding."""
    cut = png_header(6000, 6000)
    files = [("file", (f"{i}.png", cut)) for i in range(3)]
    response = requests.post(app_url + "/api/classify", files=files, timeout=60)
    assert response.status_code == 413
    assert response.json()["error"].startswith("the images hold 108 megapixels as decoded")
    two = requests.post(app_url + "/api/classify", files=files[:2], timeout=60)
    assert two.status_code == 400 and "damaged or truncated" in two.json()["error"]
    # A file the app refuses as too large on its own (49 megapixels) costs no budget.
    alone = [("file", ("big.png", png_header(7000, 7000))), *files[:2]]
    answer = requests.post(app_url + "/api/classify", files=alone, timeout=60)
    assert answer.status_code == 400 and "big.png: the image is too large" in answer.text


def test_a_body_over_the_limit_gets_413_before_it_is_sent_and_the_rest_is_never_read(app_url):
    host, port = app_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as caller:
        caller.sendall(  # 100 MB announced, none sent yet
            b"POST /api/classify HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (100 * 2**20)
        )
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += caller.recv(4096)
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413") and b"connection: close" in head.lower()
        try:  # the server closes the connection: nothing more of the body is read
            while chunk := caller.recv(4096):
                body += chunk
        except ConnectionResetError:
            pass
    assert "limit" in json.loads(body)["error"]


def test_a_stream_over_the_limit_gets_413_once_it_passes_it(app_url):
    host, port = app_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest("POST", INFER)
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    chunk = b"x" * 2**20
    try:
        for _ in range(40):  # 40 MB, twice the limit, unless the server stops it first
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed: the answer is waiting to be read
    response = connection.getresponse()
    assert response.status == 413
    connection.close()


# --- Under load --------------------------------------------------------------------------


def test_concurrent_callers_are_batched_and_all_answered(app_url, real_data):
    callers = 32
    before = metric(app_url, "fashion_cnn_batch_images_count")
    images_before = metric(app_url, "fashion_cnn_batch_images_sum")
    start, labels, failures = threading.Barrier(callers), [None] * callers, []

    def call(i: int) -> None:
        x = real_data.x_test[i : i + 1, ..., None]
        tensor = triton.InferInput("pixels", list(x.shape), "UINT8")
        tensor.set_data_from_numpy(x)
        c = client(app_url)
        start.wait()
        try:
            labels[i] = text(c.infer("fashion_cnn", [tensor]).as_numpy("label"))[0]
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures
    batches = metric(app_url, "fashion_cnn_batch_images_count") - before
    images = metric(app_url, "fashion_cnn_batch_images_sum") - images_before
    assert images == callers and batches < callers  # some model calls served several callers
    expected = load_bundled(drawings=False).classify(real_data.x_test[:callers])
    assert labels == [e.label for e in expected]


def test_a_full_queue_answers_429_with_retry_after(real_data):
    x = real_data.x_test[:256, ..., None]
    body = json.dumps(
        {
            "inputs": [
                {
                    **PIXEL_SPEC,
                    "datatype": "UINT8",
                    "shape": list(x.shape),
                    "parameters": {"binary_data_size": x.nbytes},
                }
            ]
        }
    ).encode()
    headers = {"Inference-Header-Content-Length": str(len(body))}
    env = {
        "FASHION_CNN_API_MAX_QUEUED": "300",
        "FASHION_CNN_API_MAX_BATCH": "512",
        "FASHION_CNN_API_MAX_WAIT_MS": "3000",
    }
    with running_api(env) as api:
        statuses, retry = [], []

        def call() -> None:
            r = requests.post(api.url + INFER, data=body + x.tobytes(), headers=headers, timeout=60)
            statuses.append(r.status_code)
            retry.append(r.headers.get("Retry-After"))

        # The first request waits 3 s for more images; the queue holds one, not two.
        threads = [threading.Thread(target=call) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(statuses) == [200, 429], statuses
        assert retry[statuses.index(429)] == "1"


def test_a_body_that_stops_arriving_is_dropped_with_408(monkeypatch):
    from starlette.requests import Request

    from fashion_cnn.api import routes

    monkeypatch.setattr(routes, "BODY_SECONDS", 0.2)

    async def receive() -> dict:
        await asyncio.sleep(3600)  # a client that sent its headers and then nothing
        return {}

    request = Request({"type": "http", "method": "POST", "headers": []}, receive)
    with pytest.raises(routes.ApiError) as caught:
        asyncio.run(routes.read_body(request))
    assert caught.value.status == 408 and "did not arrive" in str(caught.value)


def test_a_client_gone_before_its_body_gets_400():
    from starlette.requests import Request

    from fashion_cnn.api import routes

    messages = iter([{"type": "http.request", "body": b'{"in', "more_body": True}])

    async def receive() -> dict:
        return next(messages, {"type": "http.disconnect"})  # then the connection closed

    request = Request({"type": "http", "method": "POST", "headers": []}, receive)
    with pytest.raises(routes.ApiError) as caught:
        asyncio.run(routes.read_body(request))
    assert caught.value.status == 400 and "closed before the body" in str(caught.value)


def test_probabilities_in_json_are_the_float32_values_exactly(app_url, real_data):
    """JSON carries each FP32 probability in its shortest decimal form: read back as
    float32, it is the value the binary answer carries, bit for bit."""
    x = real_data.x_test[:16, ..., None]
    answers = {}
    for binary in (False, True):
        tensor = triton.InferInput("pixels", list(x.shape), "UINT8")
        tensor.set_data_from_numpy(x, binary_data=True)
        wanted = [triton.InferRequestedOutput("probabilities", binary_data=binary)]
        result = client(app_url).infer("fashion_cnn", [tensor], outputs=wanted)
        answers[binary] = result.as_numpy("probabilities")
    assert answers[True].dtype == np.float32
    assert np.array_equal(answers[False].astype(np.float32), answers[True])


def test_a_slow_client_does_not_hold_the_server(app_url, real_data):
    host, port = app_url.removeprefix("http://").split(":")
    slow = http.client.HTTPConnection(host, int(port), timeout=30)
    slow.putrequest("POST", INFER)
    slow.putheader("Content-Length", "100000")
    slow.endheaders()
    slow.send(b'{"inputs": [')  # and then nothing for a while
    x = real_data.x_test[:1, ..., None]
    tensor = triton.InferInput("pixels", list(x.shape), "UINT8")
    tensor.set_data_from_numpy(x)
    result = client(app_url).infer("fashion_cnn", [tensor])  # answered meanwhile
    assert text(result.as_numpy("label")) == ["Ankle boot"]
    slow.close()


# --- The document, and fuzzing it -------------------------------------------------------


def test_fuzzing_from_the_openapi_document_finds_no_server_error(app_url):
    """schemathesis loads the document (it refuses an invalid one) and sends hundreds of
    requests generated from it; not one may get a 5xx."""
    assert requests.get(f"{app_url}/api/openapi.json", timeout=10).json()["openapi"] == "3.0.3"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{app_url}/api/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "25",
            "--seed",
            "1",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r"\d+ generated, \d+ passed", result.stdout), result.stdout[-2000:]


# --- The API's process stays light -------------------------------------------------------


def test_the_api_process_loads_no_tensorflow(real_data):
    """A replica's process and its model process, after answering both endpoints, map
    none of the heavy frameworks' files (/proc/PID/maps lists every shared library a
    process loaded)."""
    with running_api() as api:
        x = real_data.x_test[:4, ..., None]
        tensor = triton.InferInput("pixels", list(x.shape), "UINT8")
        tensor.set_data_from_numpy(x)
        client(api.url).infer("fashion_cnn", [tensor])
        files = [("file", ("boot.png", png(real_data.x_test[0])))]
        assert requests.post(f"{api.url}/api/classify", files=files, timeout=60).ok
        for pid in (api.pid, *model_process_pids(api.pid)):
            maps = Path(f"/proc/{pid}/maps").read_text()
            assert "onnxruntime" in maps  # the check sees what the process loaded
            loaded = [name for name in HEAVY if f"/{name}/" in maps or f"/{name}-" in maps]
            assert loaded == [], pid
        assert len(model_process_pids(api.pid)) == 1


# --- Replicas, retrained models, settings ------------------------------------------------


def test_a_replica_answers_unknown_paths_and_methods_as_the_protocol_does():
    with running_api() as api:
        missing = requests.get(f"{api.url}/v3/models", timeout=10)
        wrong_method = requests.get(api.url + INFER, timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]


def test_the_pages_server_answers_a_wrong_method_or_path_under_the_api_as_json(app_url):
    """Beside the pages, Streamlit answers any path it does not know with its HTML page;
    the API's paths answer a method they do not take, and its prefixes a path they do not
    have, as the protocol's errors."""
    wrong = (
        ("GET", INFER, "POST, OPTIONS"),
        ("POST", "/v2/health/live", "GET, HEAD, OPTIONS"),
        ("POST", "/metrics", "GET, HEAD, OPTIONS"),
    )
    for method, path, allowed in wrong:
        answer = requests.request(method, app_url + path, timeout=10)
        assert answer.status_code == 405, (method, path)
        assert answer.headers["Allow"] == allowed and answer.json()["error"]
    refused = 'fashion_cnn_requests_total{route="classify",status="405"}'
    before = metric(app_url, refused)
    head = requests.head(app_url + "/api/classify", timeout=10)
    assert head.status_code == 405 and head.headers["Allow"] == "POST, OPTIONS"
    assert metric(app_url, refused) == before + 1
    unknown = (("GET", "/api/classifyy"), ("POST", "/v2/models/x/y/z"), ("PUT", "/api/"))
    for method, path in (*unknown, ("GET", "/api"), ("POST", "/api")):
        answer = requests.request(method, app_url + path, timeout=10)
        assert answer.status_code == 404 and "not a route" in answer.json()["error"], path
    assert requests.get(app_url + "/classify", timeout=10).status_code == 200  # the pages


def test_a_browser_on_another_site_may_call_the_api(app_url, real_data):
    """CORS: the preflight names the methods and headers a path takes; the answer lets the
    calling page read it, Retry-After and the binary header length included."""
    site = {"Origin": "https://shop.example"}
    ask = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    preflight = requests.options(app_url + INFER, headers={**site, **ask}, timeout=10)
    assert preflight.status_code == 204 and preflight.headers["Allow"] == "POST, OPTIONS"
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    answer = requests.post(
        app_url + "/api/classify", data=png(real_data.x_test[0]), headers=site, timeout=30
    )
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "Retry-After" in answer.headers["Access-Control-Expose-Headers"]
    # The example in the OpenAPI document works as written.
    document = requests.get(f"{app_url}/api/openapi.json", timeout=10).json()
    operation = document["paths"]["/v2/models/{name}/infer"]["post"]
    example = operation["requestBody"]["content"]["application/json"]["example"]
    result = requests.post(app_url + INFER, json=example, timeout=30).json()
    assert result["id"] == "trousers-1" and result["outputs"][0]["data"] == ["Trouser"]


def test_the_api_serves_a_retrained_model_once_its_files_change(tmp_path, monkeypatch):
    shutil.copytree(config.MODEL_DIR, tmp_path / "model")
    monkeypatch.setattr(config, "MODEL_DIR", tmp_path / "model")
    monkeypatch.setattr(api_models, "RECHECK_SECONDS", 0.0)
    store = api_models.ModelStore()

    async def weights() -> dict[str, str]:
        return {name: m.predictor.key for name, m in (await store.models()).items()}

    before = asyncio.run(weights())
    assert asyncio.run(weights()) == before  # unchanged files: the same models
    # A retrain writes a new twin: here, the CNN for drawings' weights as the bundled CNN's.
    twin = tmp_path / "model" / "fashion_cnn.onnx"
    write_bytes_atomic((tmp_path / "model" / "drawings" / "drawings_cnn.onnx").read_bytes(), twin)
    after = asyncio.run(weights())
    assert after["fashion_cnn"] != before["fashion_cnn"]
    assert after["drawings_cnn"] == before["drawings_cnn"]


def test_a_retrained_models_process_replaces_the_old_one(tmp_path, monkeypatch, real_data):
    """Once the model files change, batches go to a new model process with the new
    weights, and the old process ends when its last batches have run."""
    shutil.copytree(config.MODEL_DIR, tmp_path / "model")
    monkeypatch.setattr(config, "MODEL_DIR", tmp_path / "model")
    monkeypatch.setattr(api_models, "RECHECK_SECONDS", 0.0)
    store = api_models.ModelStore()
    x, flat = real_data.x_test[:4].astype(np.float32), np.zeros(4, bool)

    async def main() -> tuple[int, bool, list, list]:
        old = (await store.models())["fashion_cnn"]
        before = await old.batcher.run(x, flat)
        old_pid = old.process.child.process.pid
        twin = tmp_path / "model" / "fashion_cnn.onnx"  # a retrain: other weights
        write_bytes_atomic(
            (tmp_path / "model" / "drawings" / "drawings_cnn.onnx").read_bytes(), twin
        )
        new = (await store.models())["fashion_cnn"]
        after = await new.batcher.run(x, flat)
        deadline = time.monotonic() + 10
        while old.process.child is not None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        new.process.close()
        return old_pid, old.process.child is None, before, after

    old_pid, old_ended, before, after = asyncio.run(main())
    assert old_ended and not Path(f"/proc/{old_pid}").exists()
    assert [a.probabilities.tolist() for a in after] != [b.probabilities.tolist() for b in before]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("FASHION_CNN_API_MAX_BATCH", "2.5"),
        ("FASHION_CNN_API_MAX_BATCH", "many"),
        ("FASHION_CNN_API_MAX_BATCH", "-1"),
        ("FASHION_CNN_API_MAX_QUEUED", "0"),  # every request would be refused
    ],
)
def test_a_bad_setting_stops_the_start_with_one_line(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=f"{variable} must be a whole number of 1 or more"):
        api_models.ModelStore()
    with pytest.raises(SystemExit) as stop:  # as both servers start: no traceback
        served_routes()
    assert (
        str(stop.value) == f"error: {variable} must be a whole number of 1 or more, not {value!r}"
    )


@pytest.mark.parametrize("value", ["inf", "nan", "-0.5"])
def test_a_wait_that_never_ends_is_refused_at_the_start(monkeypatch, value):
    monkeypatch.setenv("FASHION_CNN_API_MAX_WAIT_MS", value)  # a lone request would hang
    with pytest.raises(ValueError, match="FASHION_CNN_API_MAX_WAIT_MS must be a number"):
        api_models.ModelStore()
