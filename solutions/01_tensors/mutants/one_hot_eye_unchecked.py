# exercise: one_hot
# bug: indexes an identity matrix without checking the range: negative labels wrap around, too-large ones raise IndexError
import torch


def one_hot(labels, num_classes):
    return torch.eye(num_classes, device=labels.device)[labels.long()]
