"""The web server's and the command line's model code: ONNX Runtime, never TensorFlow."""
