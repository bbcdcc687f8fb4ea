# exercise: evaluate
# bug: no torch.no_grad(): detaches the output afterwards, but the forward pass already built a graph
# breaks: graph
# misconception: The forward passes run with autograd switched on and only their outputs are detached afterwards, so every batch still records an autograd graph; detaching comes too late to prevent it.
# misconception-ko: 자동 미분을 켠 채로 순전파를 실행하고 나중에 출력만 detach해서, 배치마다 여전히 자동 미분 그래프가 만들어집니다. detach는 그래프가 기록된 뒤라서 너무 늦습니다.
# on-hidden: name
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        out = model(xb).detach()
        total_loss += loss_fn(out, yb).item() * xb.shape[0]
        correct += (out.argmax(dim=-1) == yb).sum().item()
        count += xb.shape[0]
    return total_loss / count, correct / count
