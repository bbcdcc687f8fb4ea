# exercise: checkpoint
# approach: library defaults: torch.load(map_location="cpu") then load_state_dict, which copies the weights into the model's own parameters and moves the optimizer's state to each parameter's device
import torch


def save_checkpoint(path, model, optimizer, epoch):
    torch.save(dict(epoch=epoch, weights=model.state_dict(), optim=optimizer.state_dict()), path)


def load_checkpoint(path, model, optimizer):
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["weights"])
    optimizer.load_state_dict(state["optim"])
    return int(state["epoch"])
