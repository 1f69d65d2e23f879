"""Long filter menus rendered in one pass (accord.web.options)."""

from accord.web.options import options_html


def test_options_escape_values_and_labels_and_mark_the_selected_one():
    html = options_html(
        [("a1", "Ann & Co"), ('"><script>', "<b>x</b>"), ("c3", "Carl")], selected="c3"
    )
    assert html == (
        '<option value="a1">Ann &amp; Co</option>'
        '<option value="&quot;&gt;&lt;script&gt;">&lt;b&gt;x&lt;/b&gt;</option>'
        '<option value="c3" selected>Carl</option>'
    )


def test_no_option_is_selected_without_a_match():
    assert " selected" not in options_html([("a", "A"), ("b", "B")], selected=None)
    assert " selected" not in options_html([("a", "A")], selected="z")
