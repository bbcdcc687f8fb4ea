# exercise: one_hot
# bug: returns F.one_hot's int64 result instead of float32
# breaks: dtype
# misconception: You returned the integer tensor that F.one_hot produces; the result must be float32.
# misconception-ko: F.one_hot이 만드는 정수 텐서를 그대로 반환했습니다. 결과는 float32여야 합니다.
# on-hidden: name
import torch
import torch.nn.functional as F


def one_hot(labels, num_classes):
    if ((labels < 0) | (labels >= num_classes)).any():
        raise ValueError("label out of range")
    return F.one_hot(labels.long(), num_classes)
