# exercise: record_activations
# approach: contextlib.ExitStack owns the hook handles (removed on any exit)
import contextlib


def record_activations(model, x, names):
    acts = {}
    modules = dict(model.named_modules())
    with contextlib.ExitStack() as stack:
        for name in names:
            handle = modules[name].register_forward_hook(
                lambda m, i, o, name=name: acts.__setitem__(name, o.clone().detach()))
            stack.callback(handle.remove)
        model(x)
    return acts
