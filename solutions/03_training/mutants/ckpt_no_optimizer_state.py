# exercise: checkpoint
# bug: saves and restores only the model, so momentum buffers / Adam statistics are lost on resume
import torch


def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, map_location=next(model.parameters()).device)
    model.load_state_dict(checkpoint["model"])
    return checkpoint["epoch"]
