"""Makes prompts/ the package `assistant.prompt_files` (mapped in pyproject.toml), so that importlib.resources
finds the templates in a wheel and in an editable install. The templates are the .txt files beside this one."""
