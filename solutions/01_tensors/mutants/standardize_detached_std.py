# exercise: standardize
# bug: detaches the standard deviation, so no gradient flows through it
# breaks: gradient
# misconception: You detached the standard deviation, treating it as a constant; the values are right, but the gradient misses the part that flows through the spread of x.
# misconception-ko: 표준편차를 detach해서 상수처럼 다뤘습니다. 값은 맞지만 x의 퍼짐을 통해 흐르는 부분이 gradient에서 빠집니다.
# on-hidden: name
import torch


def standardize(x, dim=-1, eps=1e-5):
    mean = x.mean(dim=dim, keepdim=True)
    std = torch.sqrt(x.var(dim=dim, keepdim=True, correction=0) + eps).detach()
    return (x - mean) / std
