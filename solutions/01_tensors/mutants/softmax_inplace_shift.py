# exercise: softmax
# bug: subtracts the maximum in place (x -= ...), modifying the caller's tensor
# breaks: in_place
# misconception: You subtracted the maximum in place, writing into the caller's tensor: the values are right, but the input no longer holds what it was called with.
# misconception-ko: 최댓값을 in-place로 빼서 호출한 쪽의 텐서에 직접 썼습니다. 값은 맞지만 입력이 호출될 때의 값을 더 이상 갖고 있지 않습니다.
# on-hidden: name
import torch


def softmax(x, dim=-1):
    x -= x.amax(dim=dim, keepdim=True)
    e = torch.exp(x)
    return e / e.sum(dim=dim, keepdim=True)
