# exercise: count_parameters
# bug: counts the state_dict: buffers (running statistics) and tied weights twice
def count_parameters(model, trainable_only=True):
    return sum(v.numel() for v in model.state_dict().values())
