# exercise: record_activations
# approach: the library's global module forward hook, filtered by module identity
import torch


def record_activations(model, x, names):
    wanted = {id(m): n for n, m in model.named_modules() if n in set(names)}
    acts = {}

    def hook(module, inputs, output):
        if id(module) in wanted:
            acts[wanted[id(module)]] = torch.empty_like(output).copy_(output.detach())

    handle = torch.nn.modules.module.register_module_forward_hook(hook)
    try:
        model(x)
    finally:
        handle.remove()
    return acts
