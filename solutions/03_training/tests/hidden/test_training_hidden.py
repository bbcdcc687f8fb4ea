"""Hidden tests for 03_training.

Conventions:
- The checks live in tests/public/training_reference.py (shared with the public tests):
  the trusted side sends starting weights, data and hyperparameters; a probe runs the
  student's function in the worker on course-built objects and sends back plain values;
  the reference trajectory is computed here in float64 from the same weights and batches.
- Inputs are built on the CPU with seeded generators. The device under test travels as a
  string (or torch.device); the worker moves model and data itself, so it never receives a
  CUDA tensor unless grading runs on a GPU. A CUDA case is an extra check inside a test,
  never extra points. float32 results on CUDA get compare.tolerances' CUDA margins.
- The first docstring line is the only text a student sees for a failing hidden test:
  it names the behaviour, never an expected value.
"""
import importlib.util
import math
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.authoring import assert_close, precondition
from autograder.authoring import strategies as ags


def _load_reference():
    path = Path(__file__).parents[1] / "public" / "training_reference.py"
    spec = importlib.util.spec_from_file_location("training_reference_03_hidden", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


R = _load_reference()
DTYPES = (torch.float32, torch.float64)
# Same reproducibility settings as the harness profile; each example costs a probe call.
HYP = settings(max_examples=10, derandomize=True, database=None, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture])


# ----------------------------------------------------------------------------- fit_linear_regression
def _line(n, seed, slope=1.5, intercept=-0.5, scale=3.0):
    x = torch.rand(n, generator=R.gen(seed), dtype=torch.float64) * scale
    y = slope * x + intercept + 0.2 * torch.randn(n, generator=R.gen(seed + 1), dtype=torch.float64)
    return x.float(), y.float()


@pytest.mark.exercise("fit_linear_regression")
def test_fit_linear_regression_values_devices(student):
    """fit_linear_regression matches full-batch gradient descent for several data sets, step counts and devices, and leaves x and y unchanged."""
    for device in student.devices:
        for n, lr, epochs, seed in ((1, 0.1, 30, 1), (50, 0.02, 150, 2), (7, 0.05, 1, 3), (7, 0.05, 0, 4)):
            x, y = _line(n, seed)
            x, y = x.to(device), y.to(device)
            res = student.run("fit_linear_regression", x, y, lr=lr, epochs=epochs)
            R.check_linear_regression(res.value, x, y, lr, epochs, device)
            R.check_inputs_unchanged("fit_linear_regression", res.args, (x, y))


@pytest.mark.exercise("fit_linear_regression")
def test_fit_linear_regression_defaults(student):
    """fit_linear_regression uses lr=0.01 and epochs=1000 by default."""
    x, y = _line(17, 5, slope=0.3, intercept=0.8, scale=8.0)
    with precondition("test_fit_linear_regression_values_devices"):  # the same run, hyperparameters given
        R.check_linear_regression(student.fit_linear_regression(x, y, lr=0.01, epochs=1000), x, y, 0.01, 1000, "cpu")
    R.check_linear_regression_defaults(student, x, y)


@pytest.mark.exercise("fit_linear_regression")
@HYP
@given(n=ags.batch_sizes(max_size=30), epochs=st.integers(0, 40), lr=st.sampled_from([0.001, 0.01, 0.05]),
       seed=ags.seeds())
def test_fit_linear_regression_random(student, n, epochs, lr, seed):
    """fit_linear_regression is correct on random data sets, learning rates and step counts."""
    x, y = _line(n, seed % 10_000)
    R.check_linear_regression(student.fit_linear_regression(x, y, lr=lr, epochs=epochs), x, y, lr, epochs, "cpu")


# ----------------------------------------------------------------------------- MLP
@pytest.mark.exercise("MLP")
def test_MLP_shapes_dtypes_devices(student):
    """MLP matches the reference for several sizes, float32 and float64, the default dropout, and every device."""
    cases = (((4, 8, 3), 0.2, True, 1), ((1, 1, 1), 0.5, True, 2), ((5, 7, 2), 0.0, False, 3),
             ((2, 16, 4), 0.9, True, 4))
    for device in student.devices:
        for dtype in DTYPES:
            for sizes, p, pass_dropout, seed in cases:
                state = R.init_state(*sizes, seed=seed)
                x = R.randn(6, sizes[0], seed=seed + 100, dtype=dtype)
                R.check_mlp(student, sizes, p, state, x, seed=seed, dtype=dtype, device=device,
                            pass_dropout=pass_dropout)


@pytest.mark.exercise("MLP")
@HYP
@given(sizes=ags.shapes(min_dims=3, max_dims=3, max_side=9), n=ags.batch_sizes(max_size=9),
       p=st.sampled_from([0.0, 0.1, 0.5]), dtype=st.sampled_from(DTYPES), seed=ags.seeds())
def test_MLP_random(student, sizes, n, p, dtype, seed):
    """MLP is correct for random layer sizes, batch sizes (one sample included) and float dtypes."""
    seed %= 10_000
    state = R.init_state(*sizes, seed=seed)
    x = R.randn(n, sizes[0], seed=seed + 1, dtype=dtype)
    R.check_mlp(student, tuple(sizes), p, state, x, seed=seed, dtype=dtype, device="cpu")


# ----------------------------------------------------------------------------- make_loader
@pytest.mark.exercise("make_loader")
def test_make_loader_edge_cases(student):
    """make_loader handles one sample, batch sizes of 1, N and more than N, float64 data and 2-D targets."""
    for n, batch_size in ((1, 1), (1, 4), (5, 5), (5, 1), (11, 3), (12, 50)):
        X = R.randn(n, 3, seed=n * 10 + batch_size)
        y = R.randn(n, 2, seed=n * 10 + batch_size + 1, dtype=torch.float32)
        for shuffle in (False, True):
            R.check_loader(student, X, y, batch_size=batch_size, shuffle=shuffle, seed=n)


@pytest.mark.exercise("make_loader")
def test_make_loader_image_batches_and_seeds(student):
    """make_loader shuffles image-shaped data reproducibly and freshly every epoch, for several seeds."""
    X = R.randn(24, 1, 3, 3, seed=7, dtype=torch.float32)
    y = torch.randint(0, 10, (24,), generator=R.gen(8))
    for seed in (0, 1, 12345):
        R.check_loader(student, X, y, batch_size=5, shuffle=True, seed=seed)
    R.check_loader(student, X, y, batch_size=5, shuffle=False, seed=0)


@pytest.mark.exercise("make_loader")
@HYP
@given(n=st.integers(1, 25), batch_size=ags.batch_sizes(max_size=12), shuffle=st.booleans(), seed=ags.seeds())
def test_make_loader_random(student, n, batch_size, shuffle, seed):
    """make_loader yields every sample once per epoch in batches of the right sizes, for random sizes."""
    X = R.randn(n, 2, seed=seed % 10_000, dtype=torch.float32)
    y = torch.arange(n)
    R.check_loader(student, X, y, batch_size=batch_size, shuffle=shuffle, seed=seed)


# ----------------------------------------------------------------------------- train_one_epoch
@pytest.mark.exercise("train_one_epoch")
def test_train_one_epoch_dtypes_devices(student):
    """train_one_epoch follows the reference in float32 and float64 on every device, whatever mode the model arrives in."""
    state = R.init_state(4, 8, 3, seed=50)
    X, y = R.classification_data(13, 4, 3, seed=51)
    for device in student.devices:
        for dtype in DTYPES:
            for start_mode in ("eval", "train"):
                R.check_train_epoch(student, state, X, y, batch_size=5, loss="cross_entropy",
                                    opt={"kind": "sgd", "lr": 0.3}, dtype=dtype, device=device,
                                    start_mode=start_mode)
        # device given as a torch.device rather than a string
        R.check_train_epoch(student, state, X, y, batch_size=4, loss="cross_entropy",
                            opt={"kind": "sgd", "lr": 0.3}, dtype=torch.float32, device=torch.device(device))


@pytest.mark.exercise("train_one_epoch")
def test_train_one_epoch_optimizers_and_losses(student):
    """train_one_epoch works with SGD momentum and weight decay, Adam, and a regression (MSE) loss, in float32 and float64."""
    state = R.init_state(3, 6, 2, seed=60)
    X, y = R.classification_data(11, 3, 2, seed=61)
    y_reg = R.randn(11, 2, seed=62, dtype=torch.float32)
    for device in student.devices:
        R.check_train_epoch(student, state, X, y, batch_size=3, loss="cross_entropy",
                            opt={"kind": "sgd", "lr": 0.1, "momentum": 0.9, "weight_decay": 0.01},
                            dtype=torch.float32, device=device)
        R.check_train_epoch(student, state, X, y, batch_size=4, loss="cross_entropy",
                            opt={"kind": "adam", "lr": 0.01}, dtype=torch.float64, device=device)
        R.check_train_epoch(student, state, X, y_reg, batch_size=4, loss="mse",
                            opt={"kind": "sgd", "lr": 0.1, "momentum": 0.5}, dtype=torch.float64, device=device)


@pytest.mark.exercise("train_one_epoch")
@HYP
@given(n=ags.batch_sizes(max_size=14), batch_size=ags.batch_sizes(max_size=8),
       dims=ags.shapes(min_dims=3, max_dims=3, max_side=6), dtype=st.sampled_from(DTYPES), seed=ags.seeds())
def test_train_one_epoch_random_batches(student, n, batch_size, dims, dtype, seed):
    """train_one_epoch is correct for random sizes and float dtypes: one sample, batches of one, a last partial batch."""
    seed %= 10_000
    d_in, d_hidden, d_out = dims
    d_out = max(d_out, 2)
    state = R.init_state(d_in, d_hidden, d_out, seed=seed)
    X, y = R.classification_data(n, d_in, d_out, seed=seed + 1)
    R.check_train_epoch(student, state, X, y, batch_size=batch_size, loss="cross_entropy",
                        opt={"kind": "sgd", "lr": 0.2, "momentum": 0.9}, dtype=dtype, device="cpu")


# ----------------------------------------------------------------------------- evaluate
@pytest.mark.exercise("evaluate")
def test_evaluate_dtypes_devices(student):
    """evaluate returns the reference loss and accuracy in float32 and float64 on every device."""
    state = R.init_state(4, 8, 5, seed=70)
    X, y = R.classification_data(23, 4, 5, seed=71)
    for device in student.devices:
        for dtype in DTYPES:
            R.check_evaluate(student, state, X, y, batch_size=6, loss="cross_entropy", dtype=dtype, device=device,
                             untouched=False)
        R.check_evaluate(student, state, X, y, batch_size=23, loss="cross_entropy", dtype=torch.float32,
                         device=torch.device(device), untouched=False)


@pytest.mark.exercise("evaluate")
def test_evaluate_no_graph_model_untouched(student):
    """evaluate builds no autograd graph and leaves parameters, their .grad and requires_grad as they were."""
    state = R.init_state(3, 5, 3, seed=80)
    X, y = R.classification_data(9, 3, 3, seed=81)
    for device in student.devices:
        for dtype in DTYPES:
            for start_mode in ("train", "eval"):
                R.check_evaluate(student, state, X, y, batch_size=2, loss="cross_entropy", dtype=dtype,
                                 device=device, start_mode=start_mode, values_shown_by="test_evaluate_basic")


@pytest.mark.exercise("evaluate")
@HYP
@given(n=ags.batch_sizes(max_size=15), batch_size=ags.batch_sizes(max_size=8),
       dims=ags.shapes(min_dims=3, max_dims=3, max_side=6), dtype=st.sampled_from(DTYPES), seed=ags.seeds())
def test_evaluate_random_batches(student, n, batch_size, dims, dtype, seed):
    """evaluate is correct for random sizes and float dtypes: one sample, batches of one, a last partial batch."""
    seed %= 10_000
    d_in, d_hidden, d_out = dims
    d_out = max(d_out, 2)
    state = R.init_state(d_in, d_hidden, d_out, seed=seed)
    X, y = R.classification_data(n, d_in, d_out, seed=seed + 1)
    R.check_evaluate(student, state, X, y, batch_size=batch_size, loss="cross_entropy", dtype=dtype, device="cpu",
                     untouched=False)


# ----------------------------------------------------------------------------- fit
@pytest.mark.exercise("fit")
def test_fit_epochs_and_devices(student):
    """fit calls train_one_epoch then evaluate once per epoch, passes its arguments on, and records every result."""
    for device in student.devices:
        R.check_fit(student, train_script=[2.5], val_script=[[2.0, 0.25]], device=device)
        R.check_fit(student, train_script=[1.0 / (k + 1) for k in range(6)],
                    val_script=[[1.5 / (k + 1), k / 10] for k in range(6)], device=device)


@pytest.mark.exercise("fit")
def test_fit_zero_epochs(student):
    """fit with epochs=0 calls nothing and returns empty histories."""
    R.check_fit(student, train_script=[], val_script=[], device="cpu")


# ----------------------------------------------------------------------------- checkpoint
@pytest.mark.exercise("checkpoint")
def test_checkpoint_adam_float64(student):
    """Checkpoints restore Adam's state and float64 models exactly, so training resumes on the same trajectory."""
    state = R.init_state(4, 6, 3, seed=90)
    X, y = R.classification_data(14, 4, 3, seed=91)
    R.check_checkpoint(student, state, X, y, batch_size=4, loss="cross_entropy", opt={"kind": "adam", "lr": 0.02},
                       epochs_before=2, epochs_after=2, dtype=torch.float64, device="cpu")


@pytest.mark.exercise("checkpoint")
def test_checkpoint_devices(student):
    """load_checkpoint loads a checkpoint written on a GPU machine onto the model's device, on every device."""
    state = R.init_state(3, 5, 2, seed=100)
    X, y = R.classification_data(10, 3, 2, seed=101)
    for device in student.devices:
        for dtype in DTYPES:
            R.check_checkpoint(student, state, X, y, batch_size=3, loss="cross_entropy",
                               opt={"kind": "sgd", "lr": 0.1, "momentum": 0.9}, epochs_before=1, epochs_after=2,
                               dtype=dtype, device=device, values_shown_by="test_checkpoint_basic")


@pytest.mark.exercise("checkpoint")
def test_checkpoint_epochs(student):
    """load_checkpoint returns the saved epoch, also 0, and resumes after any number of epochs."""
    state = R.init_state(2, 4, 2, seed=110)
    X, y = R.classification_data(8, 2, 2, seed=111)
    for before, after in ((0, 2), (3, 1)):
        R.check_checkpoint(student, state, X, y, batch_size=3, loss="cross_entropy",
                           opt={"kind": "sgd", "lr": 0.2, "momentum": 0.8, "nesterov": True},
                           epochs_before=before, epochs_after=after, dtype=torch.float32, device="cpu")


# ----------------------------------------------------------------------------- end to end
def _spiral(n_per_class, seed, noise=0.03, turns=1.0):
    """Two interleaved spiral arms (labels 0 and 1), shuffled; float32 features."""
    g = R.gen(seed)
    xs, ys = [], []
    for c in range(2):
        r = 0.1 + 0.9 * torch.rand(n_per_class, generator=g, dtype=torch.float64).sqrt()
        t = r * turns * 2 * math.pi + c * math.pi
        pts = 2 * torch.stack([r * torch.cos(t), r * torch.sin(t)], dim=1)
        xs.append(pts + noise * torch.randn(pts.shape, generator=g, dtype=torch.float64))
        ys.append(torch.full((n_per_class,), c, dtype=torch.int64))
    X, y = torch.cat(xs), torch.cat(ys)
    perm = torch.randperm(len(y), generator=g)
    return X[perm].float(), y[perm]


SPIRAL = {"hidden": 64, "dropout": 0.1, "batch_size": 32, "lr": 0.01, "epochs": 40, "seed": 0}
MIN_ACCURACY = 0.95


@pytest.mark.exercise("MLP", "make_loader", "train_one_epoch", "evaluate", "fit")
def test_end_to_end_spiral(student):
    """Your MLP, make_loader and fit (with train_one_epoch and evaluate) learn a two-class spiral to at least 95% validation accuracy."""
    # The components' public cases first: a failure there is shown by that test, not judged here.
    for shown_by, case in (("test_MLP_basic", R.basic_mlp), ("test_make_loader_basic", R.basic_make_loader),
                           ("test_train_one_epoch_basic", R.basic_train_one_epoch),
                           ("test_evaluate_basic", R.basic_evaluate), ("test_fit_basic", R.basic_fit)):
        with precondition(shown_by):
            case(student)
    X_train, y_train = _spiral(300, seed=2026)
    X_val, y_val = _spiral(150, seed=2027)
    init = R.init_state(2, SPIRAL["hidden"], 2, seed=2028)
    for device in student.devices:
        report = student.probe("train_spiral", init, SPIRAL["hidden"], SPIRAL["dropout"], X_train, y_train, X_val,
                               y_val, SPIRAL["batch_size"], SPIRAL["lr"], SPIRAL["epochs"], SPIRAL["seed"], device)
        R.check_error("training on the spiral (MLP, make_loader, fit)", report,
                      "run the spiral cell of the notebook: every exercise must work together.")
        trained = report.get("state")
        if not isinstance(trained, dict) or sorted(trained) != sorted(R.STATE_KEYS):
            R.fail("MLP", f"the trained model's state_dict has keys {sorted(trained or {})}",
                   "name the layers fc1 and fc2.")
        history = report.get("history")
        if not isinstance(history, dict) or any(len(history.get(k) or []) != SPIRAL["epochs"]
                                                for k in ("train_loss", "val_loss", "val_acc")):
            R.fail("fit", "the history does not hold one entry per epoch in train_loss, val_loss and val_acc",
                   "append the three values once per epoch.")
        logits = R.mlp_reference(trained, X_val)   # the accuracy is measured here, not taken from the worker
        accuracy = (logits.argmax(dim=-1) == y_val).double().mean().item()
        assert accuracy >= MIN_ACCURACY, (
            f"after training on {device}, the model classifies {accuracy:.1%} of the validation spiral correctly "
            f"(at least {MIN_ACCURACY:.0%} needed).\nHint: the other exercises' feedback points at the function "
            "that differs from the reference.")
        assert_close(torch.tensor(float(history["val_acc"][-1]), dtype=torch.float64),
                     torch.tensor(accuracy, dtype=torch.float64), what="fit: history['val_acc'][-1]",
                     atol=2.5 / len(y_val), rtol=0.0,  # a float32/GPU near-tie may flip a sample or two
                     hint="evaluate's accuracy on the validation loader after the last epoch.")
