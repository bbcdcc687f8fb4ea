# exercise: record_activations
# bug: removes the hooks only when the forward pass succeeds (no finally)
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
