# exercise: record_activations
# bug: detaches without copying: an in-place ReLU after the layer overwrites the recorded output
# breaks: values
# misconception: You detached each output without copying it: detach shares the tensor's memory, so an in-place layer after it (a ReLU with inplace on) overwrites the value you recorded.
# misconception-ko: 각 출력을 복사하지 않고 detach만 한 것으로 보입니다. detach는 메모리를 공유하므로 뒤에 오는 in-place 레이어(inplace를 켠 ReLU)가 기록한 값을 덮어씁니다.
# on-hidden: name
def record_activations(model, x, names):
    acts, handles = {}, []
    try:
        for name, module in model.named_modules():
            if name in names:
                handles.append(module.register_forward_hook(
                    lambda m, i, o, name=name: acts.__setitem__(name, o.detach())))
        model(x)
    finally:
        for h in handles:
            h.remove()
    return acts
