"""Training processes only (train_model.py, a run's child process): Keras and TensorFlow."""
