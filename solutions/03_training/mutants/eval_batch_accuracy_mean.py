# exercise: evaluate
# bug: averages per-batch losses and accuracies, so the last partial batch weighs as much as a full one
# breaks: values
# misconception: The loss and the accuracy are averaged per batch, so a smaller last batch counts as much as a full one; the mean over samples weights each batch by its size.
# misconception-ko: 손실과 정확도를 배치마다 평균 내서 크기가 작은 마지막 배치가 꽉 찬 배치와 같은 비중을 갖습니다. 샘플 기준 평균은 각 배치를 그 크기만큼 가중해야 합니다.
# on-hidden: name
import torch


def evaluate(model, loader, loss_fn, device):
    model.eval()
    losses, accs = [], []
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            out = model(xb)
            losses.append(loss_fn(out, yb).item())
            accs.append((out.argmax(dim=-1) == yb).float().mean().item())
    return sum(losses) / len(losses), sum(accs) / len(accs)
