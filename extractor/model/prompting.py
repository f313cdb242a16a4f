"""Prompt templates: versioned files in the ``prompts`` package, rendered into chat messages."""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from dataclasses import dataclass
from string import Template

from extractor.errors import ConfigError

_SECTION = re.compile(r"^## (system|user)\s*$", re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_NAME = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: str  # "<name>-<first 8 hex of SHA-256 of the file>"
    system: str
    user: str

    def messages(self, article_text: str, **values: str) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": Template(self.user).safe_substitute(values, article=article_text)},
        ]


def load_prompt(name: str = "extract") -> PromptTemplate:
    """Read ``prompts/<name>.md`` (shipped as package data) and split it into its sections."""
    if not _NAME.fullmatch(name):
        raise ConfigError(f"bad prompt name {name!r}: a template's name is letters, digits, '-' and '_'")
    try:
        raw = importlib.resources.files("prompts").joinpath(f"{name}.md").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"no prompt template named {name!r} in the prompts package") from None
    body = _COMMENT.sub("", raw)
    parts = _SECTION.split(body)
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if set(sections) != {"system", "user"}:
        raise ConfigError(f"prompt template {name!r} needs a '## system' and a '## user' section")
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:8]
    return PromptTemplate(name=name, version=f"{name}-{digest}", system=sections["system"], user=sections["user"])
