# exercise: checkpoint
# approach: another representation: the epoch stored as a 0-dim tensor and the model state as detached clones; map_location given as a device string
import torch


def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"epoch": torch.tensor(epoch),
                "model_state": {k: v.detach().clone() for k, v in model.state_dict().items()},
                "optimizer_state": optimizer.state_dict()}, path)


def load_checkpoint(path, model, optimizer):
    device = str(next(model.parameters()).device)
    saved = torch.load(path, map_location=device, weights_only=True)
    model.load_state_dict(saved["model_state"])
    optimizer.load_state_dict(saved["optimizer_state"])
    return int(saved["epoch"].item())
