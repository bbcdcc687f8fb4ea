# exercise: sliding_windows
# bug: NumPy's sliding_window_view wrapped in a new tensor: no gradient
# breaks: gradient
# misconception: You built the windows with NumPy and wrapped them in a new tensor; the values are right, but the result is cut off from the autograd graph, so no gradient reaches x.
# misconception-ko: 창을 NumPy로 만들고 새 텐서로 감쌌습니다. 값은 맞지만 결과가 autograd 그래프에서 끊어져서 x로 gradient가 전달되지 않습니다.
# on-hidden: name
import numpy as np
import torch


def sliding_windows(x, size, step=1):
    windows = np.lib.stride_tricks.sliding_window_view(x.detach().cpu().numpy(), size)[::step]
    return torch.from_numpy(windows.copy()).to(x.device)
