# exercise: record_activations
# bug: detaches without copying: an in-place ReLU after the layer overwrites the recorded output
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
