"""Fashion-MNIST CNN Studio's logic, without Streamlit. Which process loads what:

- common/    every process: class names, paths, run settings, the model files' contract
- serving/   the web server and the command line: models on ONNX Runtime, no TensorFlow
- ui/        helpers the pages use to show things: charts, wording, glossary
- api/       the HTTP API beside the pages, or alone as replicas: ONNX Runtime only
- jobs/      the Dask engine: the web server's client and the worker's relay
- training/  training processes only: Keras, TensorFlow, export to ONNX
- cli.py     `python -m fashion_cnn`: serving commands, and training ones that load training/

pyproject.toml's import-linter contracts keep it so (`make test` runs `lint-imports`).
"""
