# exercise: count_parameters
# bug: counts matrices only (p.dim() > 1): biases and norm scales missing
def count_parameters(model, trainable_only=True):
    return sum(p.numel() for p in model.parameters() if p.dim() > 1 and (p.requires_grad or not trainable_only))
