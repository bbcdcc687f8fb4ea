# exercise: standardize
# bug: subtracts the mean in place, modifying the caller's tensor
# breaks: in_place
# misconception: You subtracted the mean in place, writing into the caller's tensor: the input no longer holds the values it was called with.
# misconception-ko: 평균을 in-place로 빼서 호출한 쪽의 텐서에 직접 썼습니다. 그래서 입력이 호출될 때의 값을 더 이상 갖고 있지 않습니다.
# on-hidden: name
import torch


def standardize(x, dim=-1, eps=1e-5):
    var = x.var(dim=dim, keepdim=True, correction=0)
    x -= x.mean(dim=dim, keepdim=True)
    return x / torch.sqrt(var + eps)
