# exercise: one_hot
# bug: relies on F.one_hot to reject bad labels, which raises RuntimeError, not ValueError
# breaks: raises
# misconception: You relied on F.one_hot to reject bad labels, but it raises a RuntimeError, not the ValueError the contract asks for.
# misconception-ko: 잘못된 레이블을 F.one_hot이 거부하리라 믿었지만, F.one_hot은 계약이 요구하는 ValueError가 아니라 RuntimeError를 일으킵니다.
# on-hidden: name
import torch
import torch.nn.functional as F


def one_hot(labels, num_classes):
    return F.one_hot(labels.long(), num_classes).float()
