# exercise: count_parameters
# approach: the library's parameters_to_vector on the kept parameters
import torch


def count_parameters(model, trainable_only=True):
    kept = [p for p in model.parameters() if p.requires_grad or not trainable_only]
    return torch.nn.utils.parameters_to_vector(kept).numel() if kept else 0
