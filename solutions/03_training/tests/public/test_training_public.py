"""Public tests for 03_training: each function on a small, fixed case.

Run them with `autograder check`. The grader builds the model, data, loader and
optimizer itself, runs your function on them inside the sandbox, and compares the weights,
losses and accuracies it gets back with a reference run (float64, same starting weights,
same batches). The hidden tests add float64 models, other batch sizes, momentum and Adam,
regression losses, the GPU when there is one, and an end-to-end training run.
"""
import importlib.util
from pathlib import Path

import pytest
import torch


def _load_reference():
    path = Path(__file__).with_name("training_reference.py")
    spec = importlib.util.spec_from_file_location("training_reference_03_public", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


R = _load_reference()


# ----------------------------------------------------------------------------- exercise 1
@pytest.mark.exercise("fit_linear_regression")
def test_fit_linear_regression_basic(student):
    """fit_linear_regression follows full-batch gradient descent on sum((pred - y)**2) / (2N)."""
    x = torch.rand(12, generator=R.gen(1)) * 4
    y = 0.7 * x - 0.3 + 0.1 * torch.randn(12, generator=R.gen(2))
    lr, epochs = 0.05, 60
    got = student.fit_linear_regression(x, y, lr=lr, epochs=epochs)
    R.check_linear_regression(got, x, y, lr, epochs, device="cpu")


# ----------------------------------------------------------------------------- exercise 2
@pytest.mark.exercise("MLP")
def test_MLP_basic(student):
    """MLP has layers fc1/fc2 and computes fc2(dropout(relu(fc1(x)))), with dropout only in training mode."""
    sizes, p = (3, 5, 2), 0.5
    state = R.init_state(*sizes, seed=10)
    x = R.randn(4, 3, seed=11, dtype=torch.float32)
    R.check_mlp(student, sizes, p, state, x, seed=123, dtype=torch.float32, device="cpu")


# ----------------------------------------------------------------------------- exercise 3
@pytest.mark.exercise("make_loader")
def test_make_loader_basic(student):
    """make_loader keeps the natural order without shuffling, and shuffles reproducibly, freshly each epoch."""
    X = torch.stack([torch.arange(10.0), -torch.arange(10.0)], dim=1)
    y = torch.arange(10)
    R.check_loader(student, X, y, batch_size=4, shuffle=False, seed=0)
    R.check_loader(student, X, y, batch_size=4, shuffle=True, seed=3)


# ----------------------------------------------------------------------------- exercise 4
@pytest.mark.exercise("train_one_epoch")
def test_train_one_epoch_basic(student):
    """train_one_epoch takes the reference SGD steps (train mode, zero_grad, batches on device) and returns the sample-weighted mean loss."""
    state = R.init_state(3, 6, 3, seed=20)
    X, y = R.classification_data(10, 3, 3, seed=21)
    R.check_train_epoch(student, state, X, y, batch_size=4, loss="cross_entropy",
                        opt={"kind": "sgd", "lr": 0.5}, dtype=torch.float32, device="cpu")


# ----------------------------------------------------------------------------- exercise 5
@pytest.mark.exercise("evaluate")
def test_evaluate_basic(student):
    """evaluate returns the sample-weighted loss and accuracy in eval mode, without autograd, leaving the model untouched."""
    state = R.init_state(3, 6, 3, seed=30)
    X, y = R.classification_data(10, 3, 3, seed=31)
    R.check_evaluate(student, state, X, y, batch_size=4, loss="cross_entropy", dtype=torch.float32,
                     device="cpu")


# ----------------------------------------------------------------------------- exercise 6
@pytest.mark.exercise("fit")
def test_fit_basic(student):
    """fit calls train_one_epoch then evaluate once per epoch and records their results."""
    R.check_fit(student, train_script=[0.9, 0.7, 0.5],
                val_script=[[0.8, 0.5], [0.6, 0.75], [0.55, 0.875]], device="cpu")


# ----------------------------------------------------------------------------- exercise 7
@pytest.mark.exercise("checkpoint")
def test_checkpoint_basic(student):
    """save_checkpoint/load_checkpoint restore model, optimizer and epoch so that training resumes exactly."""
    state = R.init_state(3, 5, 3, seed=40)
    X, y = R.classification_data(12, 3, 3, seed=41)
    R.check_checkpoint(student, state, X, y, batch_size=5, loss="cross_entropy",
                       opt={"kind": "sgd", "lr": 0.2, "momentum": 0.9}, epochs_before=2, epochs_after=2,
                       dtype=torch.float32, device="cpu")
