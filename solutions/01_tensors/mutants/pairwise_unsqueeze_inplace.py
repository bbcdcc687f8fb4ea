# exercise: pairwise_sq_dists
# bug: unsqueeze_ (in place) on x and y changes the caller's tensors' shapes
# breaks: in_place
# misconception: You added the broadcasting dimensions with the in-place unsqueeze, which reshapes the caller's x and y themselves: after the call they no longer have the shapes they were passed with.
# misconception-ko: 브로드캐스팅용 차원을 in-place unsqueeze로 추가해서 호출한 쪽의 x와 y 자체의 shape이 바뀝니다. 호출이 끝나면 전달될 때의 shape이 아닙니다.
# on-hidden: name
import torch


def pairwise_sq_dists(x, y):
    diff = x.unsqueeze_(1) - y.unsqueeze_(0)
    return (diff ** 2).sum(dim=-1)
