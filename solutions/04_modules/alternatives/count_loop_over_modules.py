# exercise: count_parameters
# approach: walks the modules' own parameters (recurse=False) with a set of seen tensors
def count_parameters(model, trainable_only=True):
    seen, total = set(), 0
    for module in model.modules():
        for p in module.parameters(recurse=False):
            if id(p) in seen or (trainable_only and not p.requires_grad):
                continue
            seen.add(id(p))
            total += p.numel()
    return total
