# exercise: evaluate
# bug: "disables autograd" by switching off requires_grad on the parameters, changing the model
# breaks: requires_grad
# misconception: Autograd is switched off by turning off requires_grad on the model's parameters, which changes the model the caller goes on training; a no-grad block stops autograd without touching the model.
# misconception-ko: 모델 파라미터의 requires_grad를 꺼서 자동 미분을 끄는 바람에, 호출한 쪽이 계속 학습할 모델 자체가 바뀝니다. no_grad 블록은 모델을 건드리지 않고 자동 미분만 멈춥니다.
# on-hidden: name
def evaluate(model, loader, loss_fn, device):
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    total_loss, correct, count = 0.0, 0, 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        out = model(xb)
        total_loss += loss_fn(out, yb).item() * xb.shape[0]
        correct += (out.argmax(dim=-1) == yb).sum().item()
        count += xb.shape[0]
    return total_loss / count, correct / count
