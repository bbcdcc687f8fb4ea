"""Hidden tests for 04_modules: float64, other sizes, N=1, more models, the default flag.

A student sees a failing hidden test's name, points and docstring's first line only."""
import math

import pytest
import torch

from autograder.authoring import assert_close, check_module, course_helpers, precondition, run_module

helpers = course_helpers(__file__)


KEYS = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")


@pytest.mark.exercise("Residual")
def test_residual_float64_and_one_row(student):
    """Residual works in float64 and for a single row, gradients included."""
    # What the values need: the contract's keys (the reference's weights load by them) and an
    # input left alone (it is a leaf requiring grad here); the public test judges both.
    with precondition("test_residual_matches_the_contract"):
        run = run_module(student, "Residual", (3, 7), inputs=(helpers.make_input(1, 3, seed=3, dtype=torch.float64),),
                         dtype=torch.float64)
        assert sorted(run.state_dict_keys) == sorted(KEYS), run.state_dict_keys
        assert not student.probe("residual_input_kept", 3, 7, 1, "float64")["input_changed"]
    for n, d, hidden, dtype in ((1, 3, 7, torch.float64), (5, 8, 2, torch.float64), (2, 1, 1, torch.float32)):
        check_module(student, "Residual", helpers.ReferenceResidual, args=(d, hidden), seed=n,
                     inputs=(helpers.make_input(n, d, seed=d, dtype=dtype),))


@pytest.mark.exercise("Residual")
def test_residual_parameters_are_registered_and_trainable(student):
    """Residual's parameters are nn.Parameters, all trainable, no buffers."""
    with precondition("test_residual_matches_the_contract"):  # a forward pass that runs
        run = run_module(student, "Residual", (4, 3), inputs=(helpers.make_input(2, 4, seed=0),))
    assert run.parameter_names == KEYS, run.parameter_names
    assert run.trainable == run.parameter_names and run.buffer_names == ()


HIDDEN_COUNTS = {("conv", True): 192, ("conv", False): 192, ("shared_block", True): 12, ("empty", True): 0,
                 ("tied", False): 50, ("batchnorm", False): 35, ("mlp", None): 67, ("frozen", None): 27,
                 ("frozen", True): 27}


@pytest.mark.exercise("count_parameters")
def test_count_parameters_more_models(student):
    """count_parameters: convolutions, a module used twice, no parameters, the default flag."""
    reps = {key: student.probe("count", *key) for key in HIDDEN_COUNTS}  # all seen, then judged
    for (kind, trainable_only), want in HIDDEN_COUNTS.items():
        rep = reps[kind, trainable_only]
        assert rep["type"] == "int", f"{kind}, trainable_only={trainable_only}: {rep['type']}"
        assert rep["count"] == want, f"{kind}, trainable_only={trainable_only}"


@pytest.mark.exercise("record_activations")
def test_record_activations_more_models(student):
    """record_activations: nested modules, one row, a layer without parameters, no names."""
    for kind, names, n in (("nested", ["0.0", "0", "1"], 1), ("mlp", ["1"], 4), ("mlp", [], 2),
                           ("inplace", ["0", "1", "2"], 2)):
        rep = student.probe("activations", kind, names, n)
        assert rep["error"] is None and rep["hooks_left"] == 0 and rep["with_graph"] == [], kind
        want, _ = helpers.outputs_by_name(helpers.build(kind), helpers.make_input(n, 4, seed=5))
        assert sorted(rep["acts"]) == sorted(names), kind
        for name in names:
            assert_close(rep["acts"][name], want[name], what=f"{kind}: {name}")


@pytest.mark.exercise("RunningMean")
def test_running_mean_more_cases(student):
    """RunningMean: float64 (buffers follow .to()), other momenta, eval first, one column."""
    for d, modes, momentum, dtype, seed in ((4, ["train"] * 3, 0.5, torch.float64, 3),
                                            (1, ["eval", "train", "eval", "train"], 1.0, torch.float32, 7)):
        batches = [helpers.make_input(2 + i, d, seed=seed + i, dtype=dtype) for i in range(len(modes))]
        rep = student.probe("running", d, batches, modes, momentum,
                            None if dtype == torch.float32 else str(dtype).removeprefix("torch."))
        assert rep["error"] is None and not rep["buffer_requires_grad"] and rep["parameter_names"] == []
        assert sorted(rep["state"]) == ["mean", "steps"]
        outputs, mean, steps = helpers.running_mean_reference(batches, modes, momentum)
        assert rep["state"]["steps"].dtype == torch.long and int(rep["state"]["steps"]) == steps
        assert_close(rep["state"]["mean"], mean, what="mean", dtype=dtype)
        for got, want, grad in zip(rep["outputs"], outputs, rep["input_grads"]):
            assert_close(got, want, what="output", dtype=dtype)
            assert_close(grad, torch.ones_like(want), what="gradient", dtype=dtype)


@pytest.mark.exercise("init_weights")
def test_init_weights_more_models(student):
    """init_weights: an Embedding left alone, small layers, a model without Linear layers."""
    for kind in ("embed", "mlp", "empty"):
        rep = student.probe("initialise", kind)
        assert rep["error"] is None and rep["returned_model"] and rep["same_objects"] and rep["requires_grad"]
        assert rep["others_unchanged"], kind
        for name, lin in rep["linears"].items():
            bound = math.sqrt(6 / lin["fan_in"])
            assert lin["bias"] is None or not lin["bias"].any(), name
            assert lin["weight"].abs().max() <= bound * (1 + 1e-6), name
            if lin["weight"].numel() >= 2000:
                assert 0.85 <= float(lin["weight"].std()) / (bound / math.sqrt(3)) <= 1.15, name
