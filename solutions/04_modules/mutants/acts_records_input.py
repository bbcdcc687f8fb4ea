# exercise: record_activations
# bug: records the module's input instead of its output
# breaks: values
# misconception: You recorded the hook's input argument instead of its output: each entry holds what went into the module, not what came out of it.
# misconception-ko: 훅의 출력 대신 입력 인자를 기록한 것으로 보입니다. 각 항목에 모듈이 내놓은 값이 아니라 모듈에 들어간 값이 담깁니다.
# on-hidden: name
def record_activations(model, x, names):
    acts, handles = {}, []
    try:
        for name, module in model.named_modules():
            if name in names:
                handles.append(module.register_forward_hook(
                    lambda m, i, o, name=name: acts.__setitem__(name, i[0].detach().clone())))
        model(x)
    finally:
        for h in handles:
            h.remove()
    return acts
