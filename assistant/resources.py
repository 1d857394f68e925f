"""Files that ship inside the package, found with importlib.resources: in a wheel and in an editable install alike.

    assistant.prompt_files   the project's prompts/ folder, mapped into the package at build time
    assistant.eval_files     the project's evals/ folder: the default gate (config.yaml, baseline.json) and the
                             recorded replies that `--engine replay` reads (fixtures/); mapped the same way
    assistant.check          verifier_weights.json (the local verifier's classifier)
    assistant.slack          manifest.yaml (the Slack app manifest)

The two mapped folders stay where the project keeps them; pyproject.toml's `package-dir` makes them packages.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from assistant.errors import ConfigError

PROMPTS = "assistant.prompt_files"
EVALS = "assistant.eval_files"
CHECK = "assistant.check"
SLACK = "assistant.slack"


def resource(package: str, *parts: str) -> Traversable:
    """A shipped file or folder (it may not exist: callers read it and report their own error)."""
    return files(package).joinpath(*parts)


def resource_path(package: str, *parts: str) -> Path:
    """A shipped file or folder as a path on disk, for code that needs one (onnxruntime, tokenizers, globbing).

    Every supported install (a wheel or an editable install) unpacks the package onto the file system.
    """
    found = resource(package, *parts)
    if not isinstance(found, Path):
        raise ConfigError(f"packaged resource {'/'.join(parts)} of {package} is not on the file system ({found!r}); "
                          "install the package unpacked (as pip does)")
    return found
