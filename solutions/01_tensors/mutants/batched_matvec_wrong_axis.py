# exercise: batched_matvec
# bug: broadcasts v correctly but sums over N (dim=1) instead of M (dim=-1)
# breaks: values
# misconception: You broadcast v against A correctly but summed over the rows of A instead of over its columns, so you computed the transpose's product.
# misconception-ko: v를 A에 맞게 올바르게 브로드캐스트했지만 A의 열이 아니라 행 방향으로 더해서 전치 행렬과의 곱을 계산했습니다.
# on-hidden: name
import torch


def batched_matvec(A, v):
    return (A * v[:, None, :]).sum(dim=1)
