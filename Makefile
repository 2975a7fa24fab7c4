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

bench:  # every figure of docs/benchmarks.md, with its command there (the GPU sweep aside)
	.venv/bin/python -m benchmarks.classify_latency
	.venv/bin/python -m benchmarks.evaluate_time
	.venv/bin/python -m benchmarks.evaluate_time --keras
	.venv/bin/python -m benchmarks.streaming_overhead
	.venv/bin/python -m benchmarks.input_accuracy --count 10000 --seed 3
	.venv/bin/python -m benchmarks.input_accuracy --seed 0
	.venv/bin/python -m benchmarks.page_rerun
	.venv/bin/python -m benchmarks.load_test --training 2
	.venv/bin/python -m benchmarks.engine throughput --rounds 5
	.venv/bin/python -m benchmarks.engine watched --rounds 8
	.venv/bin/python -m benchmarks.engine burst
	.venv/bin/python -m benchmarks.engine memory
	.venv/bin/python -m benchmarks.home_visible
	.venv/bin/python -m benchmarks.server_memory
	.venv/bin/python -m benchmarks.runtime_choice
	.venv/bin/python -m benchmarks.reading_graph
	.venv/bin/python -m benchmarks.verdict_rates --seed 1
	.venv/bin/python -m benchmarks.scribbles
	.venv/bin/python -m benchmarks.api_load
	.venv/bin/python -m benchmarks.dev_set build
	.venv/bin/python -m benchmarks.real_pictures
	.venv/bin/python -m benchmarks.own_set build
	.venv/bin/python -m benchmarks.real_pictures --dir benchmarks/own_set/build

screenshots:
	bash scripts/update_screenshots.sh
