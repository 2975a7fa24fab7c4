"""The HTTP API: the Open Inference Protocol and plain image uploads, served beside the
pages or on its own. Runs models through the serving side's Predictor; never TensorFlow."""
