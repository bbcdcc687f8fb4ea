# exercise: one_hot
# bug: sets the 1 of each row in a Python loop over the labels
# breaks: loops
# misconception: Your values are right, but you set the ones one label at a time in a Python loop, so the work grows with the number of labels.
# misconception-ko: 값은 맞지만 레이블 하나씩 파이썬 루프로 1을 채우기 때문에 레이블 수에 따라 작업량이 늘어납니다.
# on-hidden: name
import torch


def one_hot(labels, num_classes):
    if ((labels < 0) | (labels >= num_classes)).any():
        raise ValueError("label out of range")
    flat = labels.reshape(-1)
    out = torch.zeros(flat.shape[0], num_classes, device=labels.device)
    for i in range(flat.shape[0]):
        out[i, flat[i]] = 1.0
    return out.reshape(*labels.shape, num_classes)
