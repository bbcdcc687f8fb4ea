# exercise: record_activations
# bug: removes the hooks only when the forward pass succeeds (no finally)
# breaks: hooks
# misconception: You remove the hooks after the forward pass, but not in a finally block: when forward raises, the hooks stay on the model and keep firing on every later call.
# misconception-ko: forward 뒤에 훅을 제거하지만 finally 블록에서 하지 않은 것으로 보입니다. forward가 예외를 던지면 훅이 모델에 남아 이후 호출마다 계속 실행됩니다.
# on-hidden: name
def record_activations(model, x, names):
    acts, handles = {}, []
    for name, module in model.named_modules():
        if name in names:
            handles.append(module.register_forward_hook(
                lambda m, i, o, name=name: acts.__setitem__(name, o.detach().clone())))
    model(x)
    for h in handles:
        h.remove()
    return acts
