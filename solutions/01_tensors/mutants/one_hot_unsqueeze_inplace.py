# exercise: one_hot
# bug: scatter_ with labels.unsqueeze_(-1) changes the caller's labels
# breaks: in_place
# misconception: You made the index for scatter with the in-place unsqueeze, which reshapes the caller's labels themselves: after the call they have an extra dimension.
# misconception-ko: scatter에 쓸 인덱스를 in-place unsqueeze로 만들어서 호출한 쪽의 labels 자체의 shape이 바뀝니다. 호출이 끝나면 차원이 하나 더 붙어 있습니다.
# on-hidden: name
import torch


def one_hot(labels, num_classes):
    if ((labels < 0) | (labels >= num_classes)).any():
        raise ValueError("label out of range")
    out = torch.zeros(*labels.shape, num_classes, device=labels.device)
    return out.scatter_(-1, labels.unsqueeze_(-1).long(), 1.0)
