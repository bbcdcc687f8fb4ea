# exercise: record_activations
# bug: never removes its hooks (the model keeps recording into a dict nobody reads)
def record_activations(model, x, names):
    acts = {}
    for name, module in model.named_modules():
        if name in names:
            module.register_forward_hook(lambda m, i, o, name=name: acts.__setitem__(name, o.detach().clone()))
    model(x)
    return acts
