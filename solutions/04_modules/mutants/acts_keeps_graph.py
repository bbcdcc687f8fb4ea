# exercise: record_activations
# bug: keeps the outputs attached to the graph (clone without detach)
# breaks: requires_grad
# misconception: You recorded a copy of each output without detaching it: the recorded tensors stay attached to the autograd graph and keep the whole graph alive in memory.
# misconception-ko: 각 출력을 detach하지 않고 복사만 해서 기록한 것으로 보입니다. 기록된 텐서가 autograd 그래프에 연결된 채로 남아 그래프 전체를 메모리에 붙잡아 둡니다.
# on-hidden: name
def record_activations(model, x, names):
    acts, handles = {}, []
    try:
        for name, module in model.named_modules():
            if name in names:
                handles.append(module.register_forward_hook(
                    lambda m, i, o, name=name: acts.__setitem__(name, o.clone())))
        model(x)
    finally:
        for h in handles:
            h.remove()
    return acts
