# exercise: sliding_windows
# bug: W = (T - size) // step, one window short
# breaks: values
# misconception: You counted the windows as (T - size) divided by step, forgetting the first window, so the last window is missing.
# misconception-ko: 창의 개수를 (T - size)를 step으로 나눈 값으로 세어 첫 창을 빠뜨렸기 때문에 마지막 창이 없습니다.
# on-hidden: name
import torch


def sliding_windows(x, size, step=1):
    W = (x.shape[0] - size) // step
    starts = torch.arange(W, device=x.device) * step
    return x[starts[:, None] + torch.arange(size, device=x.device)[None, :]]
