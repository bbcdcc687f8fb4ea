# exercise: record_activations
# bug: hooks every module (the model itself included), not only the names asked for
# breaks: values
# misconception: You hooked every module of the model (the model itself too) instead of only the names asked for: the result has keys nobody asked for.
# misconception-ko: 요청한 이름의 모듈만이 아니라 모델의 모든 모듈(모델 자신 포함)에 훅을 건 것으로 보입니다. 결과에 요청하지 않은 키가 들어갑니다.
# on-hidden: name
def record_activations(model, x, names):
    acts, handles = {}, []
    try:
        for name, module in model.named_modules():
            handles.append(module.register_forward_hook(
                lambda m, i, o, name=name: acts.__setitem__(name, o.detach().clone())))
        model(x)
    finally:
        for h in handles:
            h.remove()
    return acts
