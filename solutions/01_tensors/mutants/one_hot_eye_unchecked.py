# exercise: one_hot
# bug: indexes an identity matrix without checking the range: negative labels wrap around, too-large ones raise IndexError
# breaks: raises
# misconception: You indexed an identity matrix with the labels without checking their range: a negative label silently picks a row from the end, and a too-large one raises an IndexError instead of a ValueError.
# misconception-ko: 범위를 확인하지 않고 레이블로 단위행렬을 인덱싱했습니다. 음수 레이블은 조용히 끝에서부터 행을 고르고, 너무 큰 레이블은 ValueError가 아니라 IndexError를 일으킵니다.
# on-hidden: name
import torch


def one_hot(labels, num_classes):
    return torch.eye(num_classes, device=labels.device)[labels.long()]
