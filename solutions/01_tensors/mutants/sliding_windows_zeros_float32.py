# exercise: sliding_windows
# bug: fills torch.zeros(W, size), which is float32 whatever x is
# breaks: dtype
# misconception: You filled a new zero tensor made without x's dtype, which is float32 by default, so a float64 signal comes back as float32.
# misconception-ko: x의 dtype을 지정하지 않고 만든 0 텐서를 채웠습니다. 기본 dtype이 float32라서 float64 신호가 float32로 나옵니다.
# on-hidden: name
import torch


def sliding_windows(x, size, step=1):
    W = (x.shape[0] - size) // step + 1
    idx = (torch.arange(W, device=x.device) * step)[:, None] + torch.arange(size, device=x.device)[None, :]
    out = torch.zeros(W, size, device=x.device)
    out[:] = x[idx]
    return out
