# exercise: one_hot
# bug: flattens the labels and never restores their shape: [N, C] for any label shape
# breaks: values
# misconception: You flattened the labels to one dimension to build the rows and never gave the result the labels' shape back, so labels of shape [A, B] give [A*B, C] instead of [A, B, C].
# misconception-ko: 행을 만들려고 레이블을 1차원으로 펼친 뒤 결과를 레이블의 shape으로 되돌리지 않았습니다. 그래서 shape [A, B]인 레이블이 [A, B, C]가 아니라 [A*B, C]를 줍니다.
# on-hidden: name
import torch


def one_hot(labels, num_classes):
    if ((labels < 0) | (labels >= num_classes)).any():
        raise ValueError("label out of range")
    flat = labels.reshape(-1).long()
    return (flat[:, None] == torch.arange(num_classes, device=labels.device)).float()
