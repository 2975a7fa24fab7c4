# The two commands of the README: `make run` and `make test`.
.PHONY: run test lint format bench screenshots

run:
	bash scripts/setup.sh
	.venv/bin/streamlit run streamlit_app.py

test:
	bash scripts/setup.sh --test
	.venv/bin/ruff check .
	.venv/bin/lint-imports
	.venv/bin/python -m pytest

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

bench:
	.venv/bin/python -m benchmarks.classify_latency --keras
	.venv/bin/python -m benchmarks.evaluate_time --keras
	.venv/bin/python -m benchmarks.streaming_overhead
	.venv/bin/python -m benchmarks.input_accuracy
	.venv/bin/python -m benchmarks.page_rerun
	.venv/bin/python -m benchmarks.load_test
	.venv/bin/python -m benchmarks.load_test --training 2
	.venv/bin/python -m benchmarks.engine throughput
	.venv/bin/python -m benchmarks.engine watched
	.venv/bin/python -m benchmarks.engine burst
	.venv/bin/python -m benchmarks.engine memory
	.venv/bin/python -m benchmarks.home_visible
	.venv/bin/python -m benchmarks.server_memory
	.venv/bin/python -m benchmarks.runtime_choice
	.venv/bin/python -m benchmarks.reading_graph
	.venv/bin/python -m benchmarks.verdict_rates
	.venv/bin/python -m benchmarks.api_load
	.venv/bin/python -m benchmarks.dev_set build
	.venv/bin/python -m benchmarks.real_pictures
	.venv/bin/python -m benchmarks.own_set build
	.venv/bin/python -m benchmarks.real_pictures --dir benchmarks/own_set/build

screenshots:
	bash scripts/update_screenshots.sh
