# exercise: softmax
# bug: computes the normaliser under torch.no_grad() (treated as a constant)
# breaks: gradient
# misconception: You computed the sum in the denominator without gradient, treating it as a constant; the values are right, but the gradient misses how every input changes the normaliser.
# misconception-ko: 분모의 합을 gradient 없이 계산해서 상수처럼 다뤘습니다. 값은 맞지만 각 입력이 정규화 값을 어떻게 바꾸는지가 gradient에서 빠집니다.
# on-hidden: name
import torch


def softmax(x, dim=-1):
    e = torch.exp(x - x.amax(dim=dim, keepdim=True))
    with torch.no_grad():
        s = e.sum(dim=dim, keepdim=True)
    return e / s
