# exercise: count_parameters
# approach: deduplicates by identity itself over named_parameters(remove_duplicate=False)
def count_parameters(model, trainable_only=True):
    seen = {}
    for _, p in model.named_parameters(remove_duplicate=False):
        if p.requires_grad or not trainable_only:
            seen[id(p)] = p.numel()
    return int(sum(seen.values()))
