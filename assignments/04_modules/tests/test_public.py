"""Public tests for 04_modules: the behaviour of each exercise on small, fixed inputs.

Run them with `autograder check`. Passing them is a good sign, not a guarantee: the hidden
tests also use float64, other sizes and more models.
"""
import pytest
import torch

from autograder.authoring import assert_close, check_module, course_helpers, tr

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


def check_activations(student, kind, names, n=3, hint=None):
    """The student's record_activations on helpers.build(kind) against the layer-by-layer outputs."""
    rep = student.probe("activations", kind, names, n)
    assert rep["error"] is None and rep["type"] == "dict", tr(
        f"record_activations on the '{kind}' model raised {rep['error']} or returned a {rep['type']}. "
        "Hint: return a dict {name: output}.",
        ko=f"'{kind}' 모델에서 record_activations가 {rep['error']}를 발생시켰거나 {rep['type']}를 반환했습니다. "
           "힌트: {name: output} 딕셔너리를 반환하세요.")
    assert rep["hooks_left"] == 0, tr(
        f"record_activations left {rep['hooks_left']} forward hook(s) on the '{kind}' model. "
        "Hint: keep each handle register_forward_hook returns and call handle.remove() in a finally block.",
        ko=f"record_activations가 '{kind}' 모델에 forward 훅 {rep['hooks_left']}개를 남겼습니다. "
           "힌트: register_forward_hook이 반환하는 핸들을 모아 finally 블록에서 handle.remove()를 호출하세요.")
    want, _ = helpers.outputs_by_name(helpers.build(kind), helpers.make_input(n, 4, seed=5))
    assert sorted(rep["acts"]) == sorted(names), tr(
        f"record_activations on the '{kind}' model returned the keys {sorted(rep['acts'])}; expected "
        f"{sorted(names)}. Hint: hook only the modules whose named_modules() name is in names.",
        ko=f"'{kind}' 모델에서 record_activations가 키 {sorted(rep['acts'])}를 반환했습니다. {sorted(names)}이어야 "
           "합니다. 힌트: named_modules() 이름이 names에 있는 모듈에만 훅을 거세요.")
    assert rep["with_graph"] == [], tr(
        f"record_activations returned outputs still attached to the graph: {rep['with_graph']}. "
        "Hint: detach() what you record.",
        ko=f"record_activations가 그래프에 연결된 출력을 반환했습니다: {rep['with_graph']}. "
           "힌트: 기록하는 값은 detach()하세요.")
    for name in names:
        assert_close(rep["acts"][name], want[name], what=f"record_activations: the output of '{name}' ({kind})",
                     hint=hint or tr(
                         "record the module's output (the hook's third argument), and a copy of it "
                         "(.detach().clone()): a later in-place layer overwrites the tensor itself.",
                         ko="모듈의 출력(훅의 세 번째 인자)을 기록하고, 그 복사본(.detach().clone())을 저장하세요: "
                            "뒤의 in-place 레이어가 텐서 자체를 덮어씁니다."))


@pytest.mark.exercise("record_activations")
def test_record_activations_basic(student):
    """record_activations returns each named module's output, detached, and removes its hooks."""
    check_activations(student, "mlp", ["0", "2"])
    check_activations(student, "inplace", ["0", "1"])
    rep = student.probe("activations", "raises", ["0"], 3)
    assert rep["hooks_left"] == 0, tr(
        f"record_activations left {rep['hooks_left']} forward hook(s) when the model's forward raised. "
        "Hint: remove the hooks in a finally block.",
        ko=f"모델의 forward가 예외를 발생시켰을 때 record_activations가 forward 훅 {rep['hooks_left']}개를 "
           "남겼습니다. 힌트: finally 블록에서 훅을 제거하세요.")
