# exercise: record_activations
# bug: hooks every module (the model itself included), not only the names asked for
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
