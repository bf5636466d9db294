from markupsafe import Markup

from brandguard.web.highlight import snippet


def test_hits_are_marked_and_everything_else_is_escaped() -> None:
    text = '<script>alert(1)</script> 八马茶业 "><img src=x onerror=alert(2)> 农药残留'
    out = snippet(text, "农药 八马")
    assert isinstance(out, Markup)
    assert "<script>" not in out
    assert "<img" not in out
    assert "&lt;script&gt;" in out
    assert "&lt;img src=x onerror=alert(2)&gt;" in out
    assert "<mark>八马</mark>" in out
    assert "<mark>农药</mark>" in out


def test_a_query_cannot_inject_markup() -> None:
    out = snippet("a<b>c", "<b>")
    assert str(out) == "a<mark>&lt;b&gt;</mark>c"


def test_long_text_is_cut_around_the_first_hit() -> None:
    text = "前" * 300 + "农药残留" + "后" * 300
    out = str(snippet(text, "农药", width=40))
    assert out.startswith("…")
    assert out.endswith("…")
    assert "<mark>农药</mark>" in out
    assert len(out) < 80
