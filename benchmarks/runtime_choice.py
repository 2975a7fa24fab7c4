"""ONNX Runtime or LiteRT for the web server: the same model, both runtimes, side by side.

    python -m benchmarks.runtime_choice

Exports the bundled `.keras` file to both formats (needs TensorFlow; done first), then, in
a fresh process per runtime, times the import, the load, one image and a 10,000-image pass,
and reads the process's memory (ONNX Runtime through the app's Predictor). Prints parity
against Keras, and ratios LiteRT / ONNX Runtime.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# Runs in a fresh process: sys.argv = [runtime, model file, output .npy].
MEASURE = """
import json, sys, time
import numpy as np
from fashion_cnn.common.data import load_fashion_mnist
x = load_fashion_mnist().x_test[..., None].astype(np.float32)
runtime, path, out = sys.argv[1:]
start = time.perf_counter()
if runtime == "onnxruntime":
    import onnxruntime
    imported = time.perf_counter()
    from fashion_cnn.serving.predictor import Predictor  # as the app runs it
    predictor = Predictor(open(path, "rb").read(), "measured")
    run = predictor.probabilities
else:
    from ai_edge_litert.interpreter import Interpreter
    imported = time.perf_counter()
    interpreter = Interpreter(path, num_threads=2)
    runner = interpreter.get_signature_runner()
    def run(batch):
        return runner(pixels=batch)["probabilities"]
loaded = time.perf_counter()
run(x[:1])
singles = []
for i in range(300):
    t = time.perf_counter()
    run(x[i : i + 1])
    singles.append(time.perf_counter() - t)
t = time.perf_counter()
probs = np.concatenate([run(x[i : i + 256]) for i in range(0, len(x), 256)])
bulk = time.perf_counter() - t
np.save(out, probs)
status = open("/proc/self/status").read()
rss = int(status.split("VmRSS:")[1].split()[0]) / 1024
print(json.dumps({"import": imported - start, "load": loaded - imported,
    "single_ms": float(np.median(singles) * 1000), "bulk": bulk, "rss": rss}))
"""


def export_both(folder: Path) -> tuple[Path, Path, object]:
    from fashion_cnn.training.export import export_onnx, inspection_model
    from fashion_cnn.training.model import load_model

    model = load_model()
    onnx_file = export_onnx(model, folder / "model.onnx")
    inspection_model(model).export(str(folder / "model.tflite"), format="litert", verbose=False)
    return onnx_file, folder / "model.tflite", model


def main() -> None:
    import numpy as np

    from fashion_cnn.common.data import load_fashion_mnist

    x = load_fashion_mnist().x_test
    with tempfile.TemporaryDirectory() as tmp:
        onnx_file, tflite_file, model = export_both(Path(tmp))
        keras = np.concatenate(
            [
                np.asarray(model(x[i : i + 1000, ..., None].astype("float32")))
                for i in range(0, 10_000, 1000)
            ]
        )
        figures = {}
        for runtime, path in (("onnxruntime", onnx_file), ("litert", tflite_file)):
            out = Path(tmp) / f"{runtime}.npy"
            result = subprocess.run(
                [sys.executable, "-c", MEASURE, runtime, str(path), str(out)],
                capture_output=True,
                text=True,
                check=True,
            )
            figures[runtime] = json.loads(result.stdout.strip().splitlines()[-1])
            probs = np.load(out)
            same = (probs.argmax(1) == keras.argmax(1)).mean()
            figures[runtime]["parity"] = (
                f"argmax equal {same:.2%}, max |dp| {np.abs(probs - keras).max():.1e}"
            )
    print(f"{'':28s}{'ONNX Runtime':>14s}{'LiteRT':>10s}{'ratio':>8s}")
    for key, label, unit in (
        ("import", "import", "s"),
        ("load", "load model", "s"),
        ("single_ms", "one image, p50", "ms"),
        ("bulk", "10,000 images (batches 256)", "s"),
        ("rss", "process memory (with data)", "MB"),
    ):
        a, b = figures["onnxruntime"][key], figures["litert"][key]
        print(f"{label:28s}{a:>11.3f} {unit:<3s}{b:>7.3f} {unit:<3s}{b / a:>6.2f}x")
    for runtime in figures:
        print(f"{runtime}: {figures[runtime]['parity']}")


if __name__ == "__main__":
    main()
