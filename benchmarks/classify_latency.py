"""Latency of one 280x280 canvas drawing: preprocessing plus prediction; and of a phone photo.

    python -m benchmarks.classify_latency [--runs 300] [--keras]

Prints p50/p95 of the app's path (preprocessing, then the exported model on ONNX Runtime
reading the drawing as drawn, and the CNN for drawings reading its six views, with its
Grad-CAM), of one view only, of preprocessing alone, and of a 12-megapixel JPEG upload
(decoding, preprocessing, the reading in views and the verdict). With --keras, also the
same through the `.keras` file with the traced Keras function the app used before, and
the ratio.
"""

from __future__ import annotations

import argparse
import io
import os
import time

import numpy as np
from PIL import Image, ImageDraw

from fashion_cnn.common.data import load_fashion_mnist
from fashion_cnn.serving.predictor import load_bundled
from fashion_cnn.serving.preprocess import open_image, preprocess

# A T-shirt outline in canvas pixels (280x280): sleeves, body, neckline. The browser
# tests draw it too.
TSHIRT = [
    (90, 50),
    (120, 40),
    (160, 40),
    (190, 50),
    (240, 90),
    (215, 125),
    (195, 105),
    (195, 240),
    (85, 240),
    (85, 105),
    (65, 125),
    (40, 90),
    (90, 50),
]


def tshirt_drawing() -> np.ndarray:
    """An RGBA canvas export: a T-shirt outline in white strokes on transparent ground."""
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line(TSHIRT, fill=(255, 255, 255, 255), width=14, joint="curve")
    return np.asarray(canvas)


def phone_photo() -> bytes:
    """A 12-megapixel JPEG (4000x3000, as a phone takes it): a dark test garment off-centre
    on a light, slightly blue backdrop."""
    garment = Image.fromarray(255 - load_fashion_mnist().x_test[0]).resize((2000, 2000))
    backdrop = Image.new("L", (4000, 3000), 245)
    backdrop.paste(garment, (1400, 500))
    photo = Image.merge("RGB", [backdrop, backdrop, backdrop.point(lambda v: min(255, v + 8))])
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def percentiles(samples: list[float]) -> str:
    ms = np.array(samples) * 1000
    return f"p50 {np.percentile(ms, 50):6.2f} ms   p95 {np.percentile(ms, 95):6.2f} ms"


def time_it(fn, runs: int) -> list[float]:
    for _ in range(5):
        fn()  # warm up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--keras", action="store_true", help="also time the old Keras path")
    args = parser.parse_args()
    predictor = load_bundled()
    drawing = tshirt_drawing()

    pre_only = time_it(lambda: preprocess(drawing, "drawing"), args.runs)
    single = time_it(lambda: predictor.classify(preprocess(drawing, "drawing").image), args.runs)
    predict = time_it(
        lambda: predictor.classify(preprocess(drawing, "drawing").image, in_views=True), args.runs
    )
    analyse = time_it(
        lambda: predictor.analyse(preprocess(drawing, "drawing").image, in_views=True), args.runs
    )
    print(f"preprocessing only                   {percentiles(pre_only)}")
    print(f"preprocess + prediction, one view    {percentiles(single)}")
    print(f"preprocess + prediction (its views)  {percentiles(predict)}")
    print(f"preprocess + prediction + Grad-CAM   {percentiles(analyse)}")
    photo = phone_photo()
    upload = time_it(
        lambda: predictor.classify(preprocess(open_image(photo)).image, in_views=True),
        max(10, args.runs // 10),
    )
    print(f"a 12-megapixel JPEG: decode + same   {percentiles(upload)}")
    if args.keras:  # the serving path before the light runtime, on today's preprocessing
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf

        from fashion_cnn.training.model import load_model

        model = load_model()
        spec = tf.TensorSpec([None, 28, 28, 1], tf.float32)
        traced = tf.function(lambda x: model(x, training=False), input_signature=[spec])

        def keras_path():
            image = preprocess(drawing, "drawing").image
            return traced(tf.constant(image[None, ..., None].astype("float32"))).numpy()

        old = time_it(keras_path, args.runs)
        ratio = np.median(old) / np.median(single)
        print(f"preprocess + Keras tf.function       {percentiles(old)}")
        print(f"Keras tf.function / ONNX Runtime     p50 ratio {ratio:.1f}x")


if __name__ == "__main__":
    main()
