# exercise: count_parameters
# bug: ignores trainable_only (frozen parameters always counted)
def count_parameters(model, trainable_only=True):
    return sum(p.numel() for p in model.parameters())
