# exercise: record_activations
# bug: stores every activation as float32 (.float()): a float64 model's outputs lose their dtype
# breaks: dtype
# misconception: You converted each recorded output to float32 (with .float()) before storing it: a float64 model's activations come back in another dtype and with less precision.
# misconception-ko: 기록하는 각 출력을 저장하기 전에 .float()로 float32로 바꾼 것으로 보입니다. float64 모델의 활성값이 다른 dtype으로, 정밀도가 떨어진 채 반환됩니다.
# on-hidden: name
def record_activations(model, x, names):
    acts, handles = {}, []
    try:
        for name, module in model.named_modules():
            if name in names:
                handles.append(module.register_forward_hook(
                    lambda m, i, o, name=name: acts.__setitem__(name, o.detach().clone().float())))
        model(x)
    finally:
        for h in handles:
            h.remove()
    return acts
