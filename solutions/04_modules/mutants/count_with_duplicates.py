# exercise: count_parameters
# bug: named_parameters(remove_duplicate=False): a tied weight counted twice
def count_parameters(model, trainable_only=True):
    return sum(p.numel() for _, p in model.named_parameters(remove_duplicate=False)
               if p.requires_grad or not trainable_only)
