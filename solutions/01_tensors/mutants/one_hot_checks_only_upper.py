# exercise: one_hot
# bug: checks labels >= num_classes but not negative labels
# breaks: raises
# misconception: You checked that no label is too large but forgot negative labels, which then silently index from the end instead of raising a ValueError.
# misconception-ko: 너무 큰 레이블은 확인했지만 음수 레이블을 잊었습니다. 음수 레이블은 ValueError를 일으키지 않고 조용히 끝에서부터 인덱싱됩니다.
# on-hidden: name
import torch


def one_hot(labels, num_classes):
    if (labels >= num_classes).any():
        raise ValueError("label out of range")
    return torch.eye(num_classes, device=labels.device)[labels.long()]
