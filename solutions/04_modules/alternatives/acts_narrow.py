# exercise: record_activations
# approach: the narrowest reading: a hook per requested name, a copy via torch.clone, removal in finally
import torch


def record_activations(model, x, names):
    acts = {}
    handles = []
    try:
        for name in names:
            module = model.get_submodule(name)
            handles.append(module.register_forward_hook(
                lambda m, i, o, name=name: acts.update({name: torch.clone(o).detach()})))
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return acts
