# exercise: masked_mean
# bug: torch.arange(T) made without device=x.device: on a GPU the mask compares a CPU tensor with CUDA lengths
# breaks: device
# misconception: You made the time indices for the mask without giving them x's device, so they are always created on the CPU; the values are right on a CPU, but on a GPU the mask mixes devices and the call fails.
# misconception-ko: 마스크에 쓸 시간 인덱스를 x의 device를 지정하지 않고 만들어서 항상 CPU에 생깁니다. CPU에서는 값이 맞지만 GPU에서는 마스크가 서로 다른 device를 섞게 되어 호출이 실패합니다.
# on-hidden: name
import torch


def masked_mean(x, lengths):
    lengths = lengths.to(x.device)
    valid = torch.arange(x.shape[1])[None, :] < lengths[:, None]
    return torch.where(valid[:, :, None], x, torch.zeros((), dtype=x.dtype, device=x.device)).sum(dim=1) \
        / lengths[:, None].to(x.dtype)
