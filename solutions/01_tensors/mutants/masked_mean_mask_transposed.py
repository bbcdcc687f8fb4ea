# exercise: masked_mean
# bug: builds the mask as [T, B] (arange(T)[:, None] < lengths[None, :])
# breaks: values
# misconception: You built the mask with the time steps along the first axis and the sequences along the second, so it is [T, B] instead of [B, T]: it fails to broadcast, or silently pairs the wrong steps with the wrong sequences.
# misconception-ko: 마스크를 첫 번째 축에 시간 단계, 두 번째 축에 시퀀스가 오도록 만들어서 [B, T]가 아니라 [T, B]입니다. 브로드캐스팅이 실패하거나, 조용히 엉뚱한 단계와 시퀀스가 짝지어집니다.
# on-hidden: name
import torch


def masked_mean(x, lengths):
    lengths = lengths.to(x.device)
    valid = torch.arange(x.shape[1], device=x.device)[:, None] < lengths[None, :]
    return (x * valid[:, :, None]).sum(dim=1) / lengths[:, None].to(x.dtype)
