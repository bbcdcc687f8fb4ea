"""Public tests for 04_modules: the behaviour of each exercise on small, fixed inputs.

Run them with `autograder check`. Passing them is a good sign, not a guarantee: the hidden
tests also use float64, other sizes and more models.
"""
import math

import pytest
import torch

from autograder.authoring import assert_close, check_module, course_helpers, run_module, tr

helpers = course_helpers(__file__)

KEYS = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")


VALUES_HINT = tr(
    "return x + fc2(relu(fc1(x))): the ReLU sits between the two layers, and the skip connection adds the input "
    "itself, not a detached copy, so the gradient flows through both paths.",
    ko="x + fc2(relu(fc1(x)))를 반환하세요. ReLU는 두 레이어 사이에 있고, 스킵 연결은 detach한 복사본이 아니라 입력 "
       "자체를 더하므로 그래디언트가 두 경로로 모두 흐릅니다.")


DEVICE_HINT = tr(
    "a tensor you create (torch.zeros, torch.tensor...) lands on the CPU unless told otherwise: build from the "
    "input (x + ..., torch.zeros_like(x)) or pass device=x.device; keep state in buffers so that .to() moves it.",
    ko="직접 만든 텐서(torch.zeros, torch.tensor...)는 따로 지정하지 않으면 CPU에 놓입니다: 입력으로부터 만들거나 "
       "(x + ..., torch.zeros_like(x)) device=x.device를 넘기세요. 상태는 버퍼에 두어야 .to()가 함께 옮깁니다.")


def check_residual_registers(student):
    """Residual's parameters registered under the contract's names: the keys, in their order."""
    run = run_module(student, "Residual", (6, 5), inputs=(helpers.make_input(4, 6, seed=1),))
    assert sorted(run.state_dict_keys) == sorted(KEYS), tr(
        f"Residual's state_dict keys are {list(run.state_dict_keys)}; expected {list(KEYS)}. Hint: assign "
        "self.fc1 = nn.Linear(d, hidden) and self.fc2 = nn.Linear(hidden, d) as attributes with exactly these "
        "names (layers kept in a plain list or dict are not registered).",
        ko=f"Residual의 state_dict 키가 {list(run.state_dict_keys)}입니다. {list(KEYS)}이어야 합니다. 힌트: "
           "self.fc1 = nn.Linear(d, hidden)과 self.fc2 = nn.Linear(hidden, d)를 정확히 이 이름의 속성으로 "
           "할당하세요 (일반 리스트나 딕셔너리에 담은 레이어는 등록되지 않습니다).")
    assert run.state_dict_keys == KEYS, tr(
        f"Residual's state_dict keys are {list(run.state_dict_keys)}; expected {list(KEYS)}. "
        "Hint: assign fc1 before fc2 in __init__.",
        ko=f"Residual의 state_dict 키가 {list(run.state_dict_keys)}입니다. {list(KEYS)}이어야 합니다. "
           "힌트: __init__에서 fc1을 fc2보다 먼저 할당하세요.")


def check_residual_keeps_input(student, dtype=torch.float32):
    rep = student.probe("residual_input_kept", 6, 5, 4, str(dtype).removeprefix("torch."))
    assert not rep["input_changed"], tr(
        "Residual changed its input x in place: the caller's tensor is not the same after forward. Hint: add the "
        "branch to x out of place (x + branch makes a new tensor; x += branch overwrites x).",
        ko="Residual이 입력 x를 제자리에서(in place) 바꿨습니다: forward 뒤에 호출한 쪽의 텐서가 달라집니다. 힌트: 가지의 "
           "결과를 x에 새 텐서로 더하세요 (x + branch는 새 텐서를 만들고, x += branch는 x를 덮어씁니다).")


@pytest.mark.exercise("Residual")
def test_residual_matches_the_contract(student):
    """Residual: state_dict keys, output and gradients of x + fc2(relu(fc1(x))), float32 and float64, on x's device."""
    check_residual_keeps_input(student)  # first: an in-place change breaks every later call, with a leaf as input
    check_residual_registers(student)
    for dtype in (torch.float32, torch.float64):
        check_module(student, "Residual", helpers.ReferenceResidual, args=(6, 5),
                     inputs=(helpers.make_input(4, 6, seed=1, dtype=dtype),), hint=VALUES_HINT)
    rep = student.probe("residual_on_meta", 6, 5, 4)
    assert rep["status"] != "lost", tr(
        f"Residual's output does not stay on the input's device (on a device other than the CPU it gave: "
        f"{rep.get('devices') or rep.get('error')}); on a GPU this fails. Hint: {DEVICE_HINT}",
        ko=f"Residual의 출력이 입력의 장치에 머무르지 않습니다 (CPU가 아닌 장치에서 결과: "
           f"{rep.get('devices') or rep.get('error')}). GPU에서는 실패합니다. 힌트: {DEVICE_HINT}")


COUNTS = {  # (kind, trainable_only) -> count, worked out in helpers.build's comments; None: the default flag
    ("mlp", True): 67, ("tied", True): 50, ("frozen", True): 27, ("frozen", False): 67, ("batchnorm", True): 35,
    ("frozen", None): 27,
}


@pytest.mark.exercise("count_parameters")
def test_count_parameters_small_models(student):
    """count_parameters counts each scalar parameter once, trainable ones by default."""
    check_counts(student, COUNTS)


def check_counts(student, counts):
    """Every model counted first, then judged: the values of all of them are what a mistake shows."""
    reps = {key: student.probe("count", *key) for key in counts}
    for (kind, trainable_only), want in counts.items():
        _check_count(reps[kind, trainable_only], kind, trainable_only, want)


def _check_count(rep, kind, trainable_only, want):
    call = ("count_parameters(model)" if trainable_only is None
            else f"count_parameters(model, trainable_only={trainable_only})")
    assert rep["type"] == "int", tr(
        f"{call} on the '{kind}' model returned a {rep['type']} ({rep['count']!r}); expected a Python int. "
        "Hint: add up p.numel() (a Python int) with the built-in sum; a sum of tensors is a tensor.",
        ko=f"'{kind}' 모델에서 {call}가 {rep['type']} ({rep['count']!r})를 반환했습니다. 파이썬 int여야 합니다. "
           "힌트: p.numel()(파이썬 int)을 내장 sum으로 더하세요. 텐서의 합은 텐서입니다.")
    hint = (tr("trainable_only is True when the caller leaves it out: give it that default.",
               ko="호출하는 쪽이 생략하면 trainable_only는 True입니다: 그 기본값을 주세요.")
            if trainable_only is None else
            tr("sum p.numel() over model.parameters() (it lists a shared parameter once and no buffers), keeping "
               "only p.requires_grad when trainable_only.",
               ko="model.parameters()(공유된 파라미터는 한 번, 버퍼는 없음)에 대해 p.numel()을 더하고, "
                  "trainable_only이면 p.requires_grad인 것만 세세요."))
    assert rep["count"] == want, tr(
        f"{call} on the '{kind}' model returned {rep['count']!r}; expected {want}. Hint: {hint}",
        ko=f"'{kind}' 모델에서 {call}가 {rep['count']!r}를 반환했습니다. {want}이어야 합니다. 힌트: {hint}")
    assert rep["flags_kept"], tr(
        "count_parameters changed requires_grad of the model's parameters. Hint: only read them.",
        ko="count_parameters가 모델 파라미터의 requires_grad를 바꿨습니다. 힌트: 읽기만 하세요.")


def check_activations(student, kind, names, n=3, hint=None, dtype=torch.float32):
    """The student's record_activations on helpers.build(kind) (in ``dtype``) against the layer-by-layer outputs."""
    rep = student.probe("activations", kind, names, n, str(dtype).removeprefix("torch."))
    assert rep["error"] is None, tr(
        f"record_activations on the '{kind}' model raised {rep['error']}. Hint: a forward hook is called as "
        "hook(module, inputs, output); try your function on a small nn.Sequential in the notebook and read the "
        "traceback.",
        ko=f"'{kind}' 모델에서 record_activations가 {rep['error']}를 발생시켰습니다. 힌트: forward 훅은 "
           "hook(module, inputs, output)으로 호출됩니다. 노트북에서 작은 nn.Sequential로 함수를 실행해 보고 "
           "traceback을 읽어 보세요.")
    assert rep["type"] == "dict", tr(
        f"record_activations on the '{kind}' model returned a {rep['type']}. Hint: return a dict {{name: output}}.",
        ko=f"'{kind}' 모델에서 record_activations가 {rep['type']}를 반환했습니다. 힌트: {{name: output}} 딕셔너리를 "
           "반환하세요.")
    assert rep["hooks_left"] == 0, tr(
        f"record_activations left {rep['hooks_left']} forward hook(s) on the '{kind}' model. "
        "Hint: keep each handle register_forward_hook returns and call handle.remove() in a finally block.",
        ko=f"record_activations가 '{kind}' 모델에 forward 훅 {rep['hooks_left']}개를 남겼습니다. "
           "힌트: register_forward_hook이 반환하는 핸들을 모아 finally 블록에서 handle.remove()를 호출하세요.")
    want, _ = helpers.outputs_by_name(helpers.build(kind).to(dtype), helpers.make_input(n, 4, seed=5, dtype=dtype))
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
                     dtype=dtype,
                     hint=hint or tr(
                         "record the module's output (the hook's third argument), and a copy of it "
                         "(.detach().clone()): a later in-place layer overwrites the tensor itself.",
                         ko="모듈의 출력(훅의 세 번째 인자)을 기록하고, 그 복사본(.detach().clone())을 저장하세요: "
                            "뒤의 in-place 레이어가 텐서 자체를 덮어씁니다."))


@pytest.mark.exercise("record_activations")
def test_record_activations_basic(student):
    """record_activations returns each named module's output, detached, in the model's dtype, and removes its hooks."""
    check_activations(student, "mlp", ["0", "2"])
    check_activations(student, "mlp", ["0", "2"], dtype=torch.float64)
    check_activations(student, "inplace", ["0", "1"])
    rep = student.probe("activations", "raises", ["0"], 3)
    assert rep["hooks_left"] == 0, tr(
        f"record_activations left {rep['hooks_left']} forward hook(s) when the model's forward raised. "
        "Hint: remove the hooks in a finally block.",
        ko=f"모델의 forward가 예외를 발생시켰을 때 record_activations가 forward 훅 {rep['hooks_left']}개를 "
           "남겼습니다. 힌트: finally 블록에서 훅을 제거하세요.")


def check_running_mean(student, d, modes, momentum=None, dtype=torch.float32, seed=0):
    batches = [helpers.make_input(2 + i, d, seed=seed + i, dtype=dtype) for i in range(len(modes))]
    rep = student.probe("running", d, batches, modes, momentum,
                        None if dtype == torch.float32 else str(dtype).removeprefix("torch."))
    label = f"RunningMean({d}{'' if momentum is None else f', momentum={momentum}'}), modes {modes}"
    assert rep["parameter_names"] == [], tr(
        f"{label} has parameters {rep['parameter_names']}: the optimizer would train them. "
        "Hint: keep mean and steps with self.register_buffer(name, tensor), not nn.Parameter.",
        ko=f"{label}에 파라미터 {rep['parameter_names']}가 있습니다: 옵티마이저가 이것을 학습시킵니다. "
           "힌트: mean과 steps는 nn.Parameter가 아니라 self.register_buffer(name, tensor)로 두세요.")
    assert sorted(rep["state"]) == ["mean", "steps"], tr(
        f"{label}'s state_dict keys are {sorted(rep['state'])}; expected ['mean', 'steps']. Hint: a tensor "
        "kept as a plain attribute is not saved; register_buffer (persistent, the default) is.",
        ko=f"{label}의 state_dict 키가 {sorted(rep['state'])}입니다. ['mean', 'steps']이어야 합니다. 힌트: 일반 "
           "속성으로 둔 텐서는 저장되지 않습니다. register_buffer(기본값 persistent)로 등록하세요.")
    assert not rep["buffer_requires_grad"], tr(
        f"{label}: the running statistics joined the autograd graph (mean requires grad"
        f"{'; ' + rep['error'] if rep['error'] else ''}). Hint: update the buffers under torch.no_grad() "
        "(or from x.detach()).",
        ko=f"{label}: 누적 통계가 autograd 그래프에 들어갔습니다 (mean이 grad를 요구함"
           f"{'; ' + rep['error'] if rep['error'] else ''}). 힌트: 버퍼는 torch.no_grad() 안에서 (또는 "
           "x.detach()로) 갱신하세요.")
    in_place = rep["error"] is not None and "in-place" in rep["error"]
    assert rep["error"] is None, tr(
        f"{label}: forward or backward raised {rep['error']}. Hint: "
        + ("do not change the input x in place (x -= ... overwrites the caller's batch); return x - mean, a new "
           "tensor." if in_place else "run your module on a small batch in the notebook and read the traceback."),
        ko=f"{label}: forward 또는 backward가 {rep['error']}를 발생시켰습니다. 힌트: "
           + ("입력 x를 제자리에서(in place) 바꾸지 마세요 (x -= ...는 호출한 쪽의 배치를 덮어씁니다). 새 텐서인 "
              "x - mean을 반환하세요." if in_place else "노트북에서 작은 배치로 모듈을 실행해 보고 traceback을 읽어 보세요."))
    outputs, mean, steps = helpers.running_mean_reference(batches, modes, 0.1 if momentum is None else momentum)
    update = tr("in training mode update mean = (1 - momentum) * mean + momentum * x.mean(0) and steps += 1 "
                "first; in eval mode change nothing.",
                ko="학습 모드에서는 먼저 mean = (1 - momentum) * mean + momentum * x.mean(0), steps += 1로 갱신하고, "
                   "평가 모드에서는 아무것도 바꾸지 마세요.")
    assert rep["state"]["steps"].dtype == torch.long, tr(
        f"{label}: steps is a {rep['state']['steps'].dtype} tensor; expected torch.long. Hint: create it as "
        "torch.tensor(0, dtype=torch.long): a count is an integer, and .to() leaves integer buffers as they are.",
        ko=f"{label}: steps가 {rep['state']['steps'].dtype} 텐서입니다. torch.long이어야 합니다. 힌트: "
           "torch.tensor(0, dtype=torch.long)으로 만드세요. 개수는 정수이고, .to()는 정수 버퍼를 그대로 둡니다.")
    assert int(rep["state"]["steps"]) == steps, tr(
        f"{label}: steps is {int(rep['state']['steps'])}; expected {steps}. Hint: {update}",
        ko=f"{label}: steps가 {int(rep['state']['steps'])}입니다. {steps}이어야 합니다. 힌트: {update}")
    assert_close(rep["state"]["mean"], mean, what=f"{label}: the buffer mean", dtype=dtype, hint=update)
    output_hint = tr("return x - mean with the mean already updated by this batch (in training mode).",
                     ko="(학습 모드에서는) 이번 배치로 이미 갱신된 mean을 써서 x - mean을 반환하세요.")
    grad_hint = tr("the output's gradient with respect to x is the identity: the mean is a constant for autograd.",
                   ko="x에 대한 출력의 그래디언트는 항등입니다: autograd에게 mean은 상수입니다.")
    for k, (got, want) in enumerate(zip(rep["outputs"], outputs)):
        assert_close(got, want, what=f"{label}: output {k}", dtype=dtype, hint=output_hint)
        assert_close(rep["input_grads"][k], torch.ones_like(want), what=f"{label}: gradient of output {k}",
                     dtype=dtype, hint=grad_hint)


@pytest.mark.exercise("RunningMean")
def test_running_mean_basic(student):
    """RunningMean keeps mean and steps in buffers (moved by .to()), updates them in training mode only."""
    check_running_mean(student, 3, ["train", "train", "eval"])
    rep = student.probe("running_on_meta", 3, 2)
    assert rep["status"] != "lost", tr(
        f"RunningMean's output does not stay on the input's device once the module is moved with .to() (on a "
        f"device other than the CPU it gave: {rep.get('devices') or rep.get('error')}); on a GPU this fails. "
        f"Hint: {DEVICE_HINT}",
        ko=f".to()로 모듈을 옮긴 뒤 RunningMean의 출력이 입력의 장치에 머무르지 않습니다 (CPU가 아닌 장치에서 결과: "
           f"{rep.get('devices') or rep.get('error')}). GPU에서는 실패합니다. 힌트: {DEVICE_HINT}")


def check_init(student, kind, dtype=torch.float32):
    """The student's init_weights on helpers.build(kind) (in ``dtype``): in place, He uniform, zero biases."""
    rep = student.probe("initialise", kind, None if dtype == torch.float32 else str(dtype).removeprefix("torch."))
    weight_hint = tr("nn.init.kaiming_uniform_(m.weight, nonlinearity='relu') draws U(-b, b) with b = sqrt(6 / fan_in) "
                     "and fan_in = in_features (its default mode), for every nn.Linear in model.modules(), nested "
                     "ones included.",
                     ko="nn.init.kaiming_uniform_(m.weight, nonlinearity='relu')는 b = sqrt(6 / fan_in), fan_in = "
                        "in_features(기본 mode)로 U(-b, b)를 뽑습니다. 중첩된 것까지 model.modules()의 모든 nn.Linear에 "
                        "적용하세요.")
    assert rep["error"] is None and rep["returned_model"], tr(
        f"init_weights on the '{kind}' model raised {rep['error']} or did not return the model. Hint: initialise "
        "the layers, then return model itself.",
        ko=f"'{kind}' 모델에서 init_weights가 {rep['error']}를 발생시켰거나 model을 반환하지 않았습니다. 힌트: "
           "레이어를 초기화한 뒤 model 자신을 반환하세요.")
    assert rep["same_objects"] and rep["requires_grad"], tr(
        f"init_weights replaced the '{kind}' model's Parameter objects (or switched off requires_grad): an "
        "optimizer built before would train the old ones. Hint: fill the existing tensors in place (nn.init.*_ "
        "functions do), do not assign new nn.Parameters.",
        ko=f"init_weights가 '{kind}' 모델의 Parameter 객체를 바꿨습니다 (또는 requires_grad를 껐습니다): 미리 만든 "
           "옵티마이저는 옛 파라미터를 학습시킵니다. 힌트: 새 nn.Parameter를 할당하지 말고 기존 텐서를 제자리에서 "
           "채우세요 (nn.init.*_ 함수가 그렇게 합니다).")
    want_dtype = str(dtype).removeprefix("torch.")
    assert rep["dtypes"] in ([want_dtype], []), tr(
        f"init_weights on a {want_dtype} '{kind}' model left parameters of dtypes {rep['dtypes']}. Hint: fill the "
        "existing tensors (nn.init.*_ functions, or copy_ under torch.no_grad()); a tensor made anew takes the "
        "default dtype.",
        ko=f"{want_dtype} '{kind}' 모델에서 init_weights 뒤 파라미터의 dtype이 {rep['dtypes']}입니다. 힌트: 기존 "
           "텐서를 채우세요 (nn.init.*_ 함수, 또는 torch.no_grad() 안에서 copy_). 새로 만든 텐서는 기본 dtype을 "
           "가집니다.")
    assert rep["others_unchanged"], tr(
        f"init_weights changed parameters of modules that are not nn.Linear in the '{kind}' model. "
        "Hint: test isinstance(m, nn.Linear), not the parameter's shape.",
        ko=f"init_weights가 '{kind}' 모델에서 nn.Linear가 아닌 모듈의 파라미터를 바꿨습니다. "
           "힌트: 파라미터의 shape가 아니라 isinstance(m, nn.Linear)로 판단하세요.")
    for name, lin in rep["linears"].items():
        w, b, bound = lin["weight"], lin["bias"], math.sqrt(6 / lin["fan_in"])
        assert b is None or not b.any(), tr(
            f"init_weights left the bias of Linear '{name}' non-zero. Hint: set every Linear's bias to zeros "
            "(nn.init.zeros_); PyTorch's default is small random values.",
            ko=f"init_weights가 Linear '{name}'의 bias를 0이 아닌 값으로 두었습니다. 힌트: 모든 Linear의 bias를 "
               "0으로 채우세요 (nn.init.zeros_). PyTorch의 기본값은 작은 무작위 값입니다.")
        assert w.abs().max() <= bound * (1 + 1e-6), tr(
            f"init_weights: a weight of Linear '{name}' is {w.abs().max():.4f} in absolute value, beyond the He "
            f"uniform bound {bound:.4f} (fan_in = {lin['fan_in']}). Hint: {weight_hint}",
            ko=f"init_weights: Linear '{name}'의 가중치 절댓값 {w.abs().max():.4f}가 He uniform 경계 {bound:.4f} "
               f"(fan_in = {lin['fan_in']})를 넘습니다. 힌트: {weight_hint}")
        if w.numel() >= 2000:  # enough values for the spread to be measured
            ratio = float(w.std()) / (bound / math.sqrt(3))
            assert 0.85 <= ratio <= 1.15, tr(
                f"init_weights: the weights of Linear '{name}' spread {ratio:.2f} times as wide as He uniform "
                f"(fan_in = {lin['fan_in']}). Hint: {weight_hint}",
                ko=f"init_weights: Linear '{name}'의 가중치 퍼짐이 He uniform의 {ratio:.2f}배입니다 "
                   f"(fan_in = {lin['fan_in']}). 힌트: {weight_hint}")


@pytest.mark.exercise("init_weights")
def test_init_weights_basic(student):
    """init_weights gives every Linear He-uniform weights and zero biases, in place, keeping the model's dtype."""
    check_init(student, "wide")
    check_init(student, "mlp", torch.float64)
