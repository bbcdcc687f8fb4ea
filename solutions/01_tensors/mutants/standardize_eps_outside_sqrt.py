# exercise: standardize
# bug: adds eps to the standard deviation instead of to the variance
# breaks: values
# misconception: You added eps to the standard deviation instead of to the variance under the square root, so the result differs whenever eps is not tiny next to the spread.
# misconception-ko: eps를 제곱근 안의 분산이 아니라 표준편차에 더했습니다. 그래서 eps가 퍼짐에 비해 아주 작지 않으면 결과가 달라집니다.
# on-hidden: name
import torch


def standardize(x, dim=-1, eps=1e-5):
    mean = x.mean(dim=dim, keepdim=True)
    std = x.std(dim=dim, keepdim=True, correction=0)
    return (x - mean) / (std + eps)
