# exercise: masked_mean
# bug: zeroes the padding by writing into x
# breaks: in_place
# misconception: You zeroed the padded steps by writing into x itself, which changes the caller's tensor: after the call its padding is gone.
# misconception-ko: 패딩 단계를 x 자체에 써서 0으로 만들었습니다. 이는 호출한 쪽의 텐서를 바꾸므로 호출이 끝나면 패딩 값이 사라져 있습니다.
# on-hidden: name
import torch


def masked_mean(x, lengths):
    lengths = lengths.to(x.device)
    valid = torch.arange(x.shape[1], device=x.device)[None, :] < lengths[:, None]
    x[~valid] = 0
    return x.sum(dim=1) / lengths[:, None].to(x.dtype)
