from accord.metrics.org_structure import org_structure


def test_flat_tree_has_one_layer_and_no_managers():
    """People with no managers form one layer and no span of control."""
    shape = org_structure([("a", None), ("b", None)])
    assert shape.layers == 1
    assert shape.roots == 2
    assert shape.managers == 0
    assert shape.span_mean is None


def test_layers_and_span_of_control():
    """A CEO with two managers, each with two reports, is three layers with spans of 2."""
    links = [("ceo", None), ("m1", "ceo"), ("m2", "ceo")]
    links += [("a", "m1"), ("b", "m1"), ("c", "m2"), ("d", "m2")]
    shape = org_structure(links)
    assert shape.layers == 3
    assert shape.managers == 3
    assert shape.span_mean == 2.0
    assert shape.span_median == 2.0
    assert shape.span_max == 2
    assert shape.in_cycles == frozenset()


def test_cycle_is_reported_not_followed_forever():
    """A loop of managers is detected and named in the reasons."""
    shape = org_structure([("a", "b"), ("b", "a"), ("c", "a")])
    assert shape.in_cycles == frozenset({"a", "b"})
    assert "loop" in shape.reasons[0]
    assert shape.layers == 1


def test_unknown_manager_counts_as_none():
    """A manager outside the set does not invent a layer."""
    shape = org_structure([("a", "ghost")])
    assert shape.roots == 1
    assert shape.layers == 1


def test_wide_span_is_flagged():
    """More than 12 direct reports is called out."""
    links = [("boss", None)] + [(f"p{i}", "boss") for i in range(13)]
    shape = org_structure(links)
    assert shape.span_max == 13
    assert any("13 direct reports" in reason for reason in shape.reasons)
