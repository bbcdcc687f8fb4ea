# exercise: softmax
# bug: softmax of each slice in a Python loop
# breaks: loops
# misconception: Your values are right, but you compute the softmax one slice at a time in a Python loop, so the work grows with the number of rows.
# misconception-ko: 값은 맞지만 조각 하나씩 파이썬 루프로 softmax를 계산하기 때문에 행의 수에 따라 작업량이 늘어납니다.
# on-hidden: name
import torch


def softmax(x, dim=-1):
    moved = x.movedim(dim, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    out = []
    for r in rows:
        e = torch.exp(r - r.max())
        out.append(e / e.sum())
    return torch.stack(out).reshape(moved.shape).movedim(-1, dim)
