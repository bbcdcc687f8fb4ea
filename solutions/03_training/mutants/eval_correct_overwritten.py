# exercise: evaluate
# bug: `correct = ...` instead of `correct += ...`: only the last batch's correct predictions count
# breaks: values
# misconception: The count of correct predictions is replaced in every batch instead of added up, so only the last batch's correct predictions reach the accuracy.
# misconception-ko: 맞힌 예측의 개수를 배치마다 더하지 않고 덮어써서, 마지막 배치에서 맞힌 개수만 정확도에 반영됩니다.
# on-hidden: name
import torch


def evaluate(model, loader, loss_fn, device):
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            out = model(xb)
            total_loss += loss_fn(out, yb).item() * xb.shape[0]
            correct = (out.argmax(dim=-1) == yb).sum().item()
            count += xb.shape[0]
    return total_loss / count, correct / count
