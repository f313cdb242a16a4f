"""The public surface: what `from extractor import …` offers, pinned so a change is deliberate."""

from __future__ import annotations

import subprocess
import sys

import extractor
from extractor.runtime.session import ExtractionSession, Outcome


def test_the_public_names_are_these():
    assert sorted(extractor.__all__) == ["ExtractionSession", "Outcome", "__version__"]
    assert extractor.ExtractionSession is ExtractionSession
    assert extractor.Outcome is Outcome


def test_importing_the_package_loads_no_model_client():
    # `summit-extract --help` and `import extractor` stay fast: openai and instructor load on use.
    code = "import sys, extractor; print('openai' in sys.modules or 'instructor' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_package_says_it_is_typed():
    from importlib.resources import files

    assert files("extractor").joinpath("py.typed").is_file()
    assert files("schemas").joinpath("py.typed").is_file()
