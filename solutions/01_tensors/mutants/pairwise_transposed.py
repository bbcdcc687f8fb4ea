# exercise: pairwise_sq_dists
# bug: broadcasts y[:, None] against x[None, :]: the result is [M, N]
# breaks: values
# misconception: You put the new axes the other way round, pairing y's points with the rows and x's with the columns, so you get the transposed [M, N] table instead of [N, M].
# misconception-ko: 새 축을 반대로 넣어서 y의 점이 행, x의 점이 열이 되었습니다. 그래서 [N, M] 대신 전치된 [M, N] 표가 나옵니다.
# on-hidden: name
import torch


def pairwise_sq_dists(x, y):
    return ((y[:, None, :] - x[None, :, :]) ** 2).sum(dim=-1)
