# exercise: pairwise_sq_dists
# bug: the ||x||^2 + ||y||^2 - 2 x.y expansion without the clamp: round-off makes some distances negative
# breaks: nonnegative
# misconception: You expanded the squared distance into squared norms minus twice the dot product but did not clamp at zero: for identical or very close points round-off leaves small negative distances.
# misconception-ko: 제곱 거리를 제곱 노름들에서 내적의 두 배를 빼는 식으로 전개했지만 0에서 잘라내지 않았습니다. 같거나 아주 가까운 점에서는 반올림 오차 때문에 작은 음수 거리가 남습니다.
# on-hidden: name
import torch


def pairwise_sq_dists(x, y):
    x_sq = (x * x).sum(dim=1, keepdim=True)
    y_sq = (y * y).sum(dim=1)
    return x_sq + y_sq - 2.0 * (x @ y.T)
