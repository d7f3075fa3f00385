"""The usage examples in the booth's docstrings run, and give what they say."""

import doctest

import pytest

from photobooth import (
    booth,
    camera,
    compose,
    controls,
    display,
    fonts,
    i18n,
    outbox,
    printing,
    publishers,
    takehome,
    typeset,
)
from photobooth.publishers import bluesky

MODULES = [booth, camera, compose, controls, display, fonts, i18n, outbox, publishers, typeset, bluesky, printing]
MODULES += [takehome]  # --- take-home ---


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)

    assert result.attempted > 0
    assert result.failed == 0
