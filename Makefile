# Shortcuts for dev.py, which does all set-up itself (venv, pip install, Graphviz).
PYTHON ?= python3

.PHONY: demo test tutorial bench clean

demo:
	$(PYTHON) dev.py demo

test:
	$(PYTHON) dev.py test

tutorial:
	$(PYTHON) dev.py tutorial

bench:
	$(PYTHON) dev.py bench

clean:
	rm -rf .venv out .hypothesis build *.egg-info
