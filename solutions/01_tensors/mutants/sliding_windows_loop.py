# exercise: sliding_windows
# bug: slices each window in a Python loop and stacks them
# breaks: loops
# misconception: Your values are right, but you slice the windows one at a time in a Python loop, so the work grows with the number of windows.
# misconception-ko: 값은 맞지만 창을 하나씩 파이썬 루프로 잘라내기 때문에 창의 수에 따라 작업량이 늘어납니다.
# on-hidden: name
import torch


def sliding_windows(x, size, step=1):
    W = (x.shape[0] - size) // step + 1
    return torch.stack([x[i * step: i * step + size] for i in range(W)])
