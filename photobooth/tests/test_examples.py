"""The usage examples in the booth's docstrings run, and give what they say."""

import doctest

import pytest

from photobooth import booth, camera, compose, controls, i18n, outbox, publishers

MODULES = [booth, camera, compose, controls, i18n, outbox, publishers]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)

    assert result.attempted > 0
    assert result.failed == 0
