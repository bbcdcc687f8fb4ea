# exercise: record_activations
# bug: never removes its hooks (the model keeps recording into a dict nobody reads)
# breaks: hooks
# misconception: You never remove the hooks you registered: they stay on the model, keep recording on every later forward pass and hold on to its outputs.
# misconception-ko: 등록한 훅을 제거하지 않은 것으로 보입니다. 훅이 모델에 남아 이후의 forward마다 계속 기록하고 출력을 붙잡아 둡니다.
# on-hidden: name
def record_activations(model, x, names):
    acts = {}
    for name, module in model.named_modules():
        if name in names:
            module.register_forward_hook(lambda m, i, o, name=name: acts.__setitem__(name, o.detach().clone()))
    model(x)
    return acts
