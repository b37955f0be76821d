import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from skhcn.core.compression import TextGZipMiddleware, gzip_joined, precompress


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "application/zip"])
def test_binary_responses_are_left_alone(content_type):
    middleware = TextGZipMiddleware(lambda request: HttpResponse(b"x" * 5000, content_type=content_type))
    response = middleware(RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip"))
    assert not response.has_header("Content-Encoding")
    assert response.content == b"x" * 5000


@given(st.lists(st.tuples(st.binary(max_size=3000), st.booleans()), max_size=12))
def test_runs_deflated_apart_join_into_one_valid_gzip_body(runs):
    """Any mix of runs deflated in advance (cached page text) and now (live fragments) decompresses to the page."""
    body = gzip_joined((plain, precompress(plain) if early else None) for plain, early in runs)
    assert gzip.decompress(body) == b"".join(plain for plain, _ in runs)


def test_the_gzip_header_is_padded_to_a_random_length():
    lengths = {len(gzip_joined([(b"<p>trang</p>", None)])) for _ in range(50)}
    assert len(lengths) > 10
