"""Training runs as Dask jobs: the web server holds the engine, workers relay runs."""
