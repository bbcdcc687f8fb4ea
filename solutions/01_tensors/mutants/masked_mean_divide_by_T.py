# exercise: masked_mean
# bug: masks the padding but divides by T instead of by the lengths
# breaks: values
# misconception: You masked the padding but divided the sum by the padded length T instead of by each sequence's own length, so short sequences get too small a mean.
# misconception-ko: 패딩은 가렸지만 합을 각 시퀀스의 길이가 아니라 패딩된 길이 T로 나눴습니다. 그래서 짧은 시퀀스의 평균이 너무 작게 나옵니다.
# on-hidden: name
import torch


def masked_mean(x, lengths):
    T = x.shape[1]
    valid = torch.arange(T, device=x.device)[None, :] < lengths.to(x.device)[:, None]
    return (x * valid[:, :, None]).sum(dim=1) / T
