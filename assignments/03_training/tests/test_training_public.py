"""Public tests for 03_training: each function on a small, fixed case.

Run them with `autograder check`. The cases are training_reference.py's basic_* functions
(the end-to-end test runs them first too). The grader builds the model, data, loader and
optimizer itself, runs your function on them inside the sandbox, and compares the weights,
losses and accuracies it gets back with a reference run (float64, same starting weights,
same batches). The hidden tests add float64 models, other batch sizes, momentum and Adam,
regression losses, the GPU when there is one, and an end-to-end training run.
"""
import importlib.util
from pathlib import Path

import pytest


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
    """fit_linear_regression follows full-batch gradient descent on sum((pred - y)**2) / (2N), leaves x and y unchanged, and defaults to lr=0.01, epochs=1000."""
    R.basic_fit_linear_regression(student)


# ----------------------------------------------------------------------------- exercise 2
@pytest.mark.exercise("MLP")
def test_MLP_basic(student):
    """MLP has layers fc1/fc2 and computes fc2(dropout(relu(fc1(x)))) in float32 and float64, with dropout only in training mode."""
    R.basic_mlp(student)


# ----------------------------------------------------------------------------- exercise 3
@pytest.mark.exercise("make_loader")
def test_make_loader_basic(student):
    """make_loader keeps the natural order and the dtypes without shuffling, and shuffles reproducibly, freshly each epoch."""
    R.basic_make_loader(student)


# ----------------------------------------------------------------------------- exercise 4
@pytest.mark.exercise("train_one_epoch")
def test_train_one_epoch_basic(student):
    """train_one_epoch takes the reference SGD steps (train mode, zero_grad, batches on device, float32 and float64) and returns the sample-weighted mean loss."""
    R.basic_train_one_epoch(student)


# ----------------------------------------------------------------------------- exercise 5
@pytest.mark.exercise("evaluate")
def test_evaluate_basic(student):
    """evaluate returns the sample-weighted loss and accuracy in eval mode, without autograd, leaving the model untouched."""
    R.basic_evaluate(student)


# ----------------------------------------------------------------------------- exercise 6
@pytest.mark.exercise("fit")
def test_fit_basic(student):
    """fit calls train_one_epoch then evaluate once per epoch and records their results."""
    R.basic_fit(student)


# ----------------------------------------------------------------------------- exercise 7
@pytest.mark.exercise("checkpoint")
def test_checkpoint_basic(student):
    """save_checkpoint/load_checkpoint restore model, optimizer and epoch so that training resumes exactly."""
    R.basic_checkpoint(student)