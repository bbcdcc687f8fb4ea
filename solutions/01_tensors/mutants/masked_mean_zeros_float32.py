# exercise: masked_mean
# bug: accumulates into torch.zeros(B, D), which is float32 whatever x is
# breaks: dtype
# misconception: You accumulated the sum into a new zero tensor made without x's dtype, which is float32 by default, so float64 inputs come back as float32.
# misconception-ko: x의 dtype을 지정하지 않고 만든 0 텐서에 합을 누적했습니다. 기본 dtype이 float32라서 float64 입력이 float32로 나옵니다.
# on-hidden: name
import torch


def masked_mean(x, lengths):
    lengths = lengths.to(x.device)
    valid = torch.arange(x.shape[1], device=x.device)[None, :] < lengths[:, None]
    total = torch.zeros(x.shape[0], x.shape[2], device=x.device)
    total += torch.where(valid[:, :, None], x, torch.zeros((), dtype=x.dtype, device=x.device)).sum(dim=1)
    return total / lengths[:, None]
