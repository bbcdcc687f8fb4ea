# exercise: masked_mean
# bug: zeroes the padding of a clone through .data: the padding still gets gradient
# breaks: gradient
# misconception: You cloned x and zeroed the padding through .data, which hides the change from autograd: the values are right, but the padded steps still receive gradient as if they were averaged.
# misconception-ko: x를 복제한 뒤 .data를 통해 패딩을 0으로 만들어서 autograd가 그 변경을 모릅니다. 값은 맞지만 패딩 단계도 평균에 들어간 것처럼 gradient를 받습니다.
# on-hidden: name
import torch


def masked_mean(x, lengths):
    lengths = lengths.to(x.device)
    valid = torch.arange(x.shape[1], device=x.device)[None, :] < lengths[:, None]
    xz = x.clone()
    xz.data[~valid] = 0
    return xz.sum(dim=1) / lengths[:, None].to(x.dtype)
