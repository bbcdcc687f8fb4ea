"""Public tests for 04_modules: the behaviour of each exercise on small, fixed inputs.

Run them with `autograder check`. Passing them is a good sign, not a guarantee: the hidden
tests also use float64, other sizes and more models.
"""
import pytest
import torch

from autograder.authoring import check_module, course_helpers, tr

helpers = course_helpers(__file__)

KEYS = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")


@pytest.mark.exercise("Residual")
def test_residual_matches_the_contract(student):
    """Residual: state_dict keys, output and gradients of x + fc2(relu(fc1(x)))."""
    run = check_module(
        student, "Residual", helpers.ReferenceResidual, args=(6, 5), inputs=(helpers.make_input(4, 6, seed=1),),
        hint=tr("Residual registers fc1 = nn.Linear(d, hidden) and fc2 = nn.Linear(hidden, d) as attributes "
                "(not in a list) and returns x + fc2(relu(fc1(x))): the skip connection adds the input itself, "
                "not a detached copy.",
                ko="Residual은 fc1 = nn.Linear(d, hidden)과 fc2 = nn.Linear(hidden, d)를 (리스트가 아닌) 속성으로 "
                   "등록하고 x + fc2(relu(fc1(x)))를 반환합니다. 스킵 연결은 detach한 복사본이 아니라 입력 자체를 "
                   "더합니다."))
    assert run.state_dict_keys == KEYS, tr(
        f"Residual's state_dict keys are {list(run.state_dict_keys)}; expected {list(KEYS)}. "
        "Hint: assign fc1 before fc2 in __init__.",
        ko=f"Residual의 state_dict 키가 {list(run.state_dict_keys)}입니다. {list(KEYS)}이어야 합니다. "
           "힌트: __init__에서 fc1을 fc2보다 먼저 할당하세요.")


COUNTS = {  # (kind, trainable_only) -> count, worked out in helpers.build's comments
    ("mlp", True): 67, ("tied", True): 50, ("frozen", True): 27, ("frozen", False): 67, ("batchnorm", True): 35,
}


@pytest.mark.exercise("count_parameters")
def test_count_parameters_small_models(student):
    """count_parameters counts each scalar parameter once, trainable ones by default."""
    for (kind, trainable_only), want in COUNTS.items():
        _check_count(student, kind, trainable_only, want)


def _check_count(student, kind, trainable_only, want):
    rep = student.probe("count", kind, trainable_only)
    assert rep["count"] == want and rep["type"] == "int", tr(
        f"count_parameters(model, trainable_only={trainable_only}) on the '{kind}' model returned "
        f"{rep['count']!r} ({rep['type']}); expected {want} (int). Hint: sum p.numel() over model.parameters() "
        "(it lists a shared parameter once and no buffers), keeping only p.requires_grad when trainable_only.",
        ko=f"'{kind}' 모델에서 count_parameters(model, trainable_only={trainable_only})가 {rep['count']!r} "
           f"({rep['type']})를 반환했습니다. {want} (int)이어야 합니다. 힌트: model.parameters()(공유된 파라미터는 "
           "한 번, 버퍼는 없음)에 대해 p.numel()을 더하고, trainable_only이면 p.requires_grad인 것만 세세요.")
    assert rep["flags_kept"], tr(
        "count_parameters changed requires_grad of the model's parameters. Hint: only read them.",
        ko="count_parameters가 모델 파라미터의 requires_grad를 바꿨습니다. 힌트: 읽기만 하세요.")
