# exercise: count_parameters
# bug: sums the sizes with torch (torch.tensor([...]).sum()): returns a 0-dim tensor, not a Python int
# breaks: dtype
# misconception: You added up the sizes with a tensor operation: the result is a 0-dim tensor rather than a Python int, so it prints, compares and serialises differently (and an empty model gives a float tensor).
# misconception-ko: 크기를 텐서 연산으로 더한 것으로 보입니다. 결과가 파이썬 int가 아니라 0차원 텐서가 되어 출력, 비교, 저장이 다르게 동작합니다(파라미터가 없는 모델이면 float 텐서가 됩니다).
# on-hidden: name
import torch


def count_parameters(model, trainable_only=True):
    return torch.tensor([p.numel() for p in model.parameters() if p.requires_grad or not trainable_only]).sum()
