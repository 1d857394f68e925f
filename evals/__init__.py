"""Makes evals/ the package `assistant.eval_files` (mapped in pyproject.toml), so that importlib.resources finds
the default gate (config.yaml, baseline.json) and the recorded replies (fixtures/) in a wheel and in an editable
install. Suites and corpora are not shipped: `factcheck eval` reads them from a project folder."""
