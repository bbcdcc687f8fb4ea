# exercise: standardize
# bug: standardises each row in a Python loop
# breaks: loops
# misconception: Your values are right, but you standardise the slices one at a time in a Python loop, so the work grows with the number of rows.
# misconception-ko: 값은 맞지만 조각을 하나씩 파이썬 루프로 표준화하기 때문에 행의 수에 따라 작업량이 늘어납니다.
# on-hidden: name
import torch


def standardize(x, dim=-1, eps=1e-5):
    moved = x.movedim(dim, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    out = []
    for r in rows:
        out.append((r - r.mean()) / torch.sqrt(r.var(correction=0) + eps))
    return torch.stack(out).reshape(moved.shape).movedim(-1, dim) if out else x.clone()
