# exercise: one_hot
# approach: range checked with min/max (when not empty), then scatter 1.0 into zeros (out of place)
import torch


def one_hot(labels, num_classes):
    if labels.numel() > 0 and (int(labels.min()) < 0 or int(labels.max()) >= num_classes):
        raise ValueError(f"one_hot: every label must be in [0, {num_classes})")
    zeros = torch.zeros(*labels.shape, num_classes, dtype=torch.float32, device=labels.device)
    return zeros.scatter(-1, labels.long().unsqueeze(-1), 1.0)
