# exercise: masked_mean
# bug: the mask uses <= and so includes the first padded step
# breaks: values
# misconception: Your mask compares the time index with the length using less-or-equal, so it also keeps the first padded step.
# misconception-ko: 마스크에서 시간 인덱스와 길이를 '작거나 같다'로 비교해서 첫 번째 패딩 단계까지 포함됩니다.
# on-hidden: name
import torch


def masked_mean(x, lengths):
    lengths = lengths.to(x.device)
    T = x.shape[1]
    valid = torch.arange(T, device=x.device)[None, :] <= lengths[:, None]
    return (x * valid[:, :, None]).sum(dim=1) / lengths[:, None].to(x.dtype)
