"""Shared by 04_modules' tests (trusted side, `course_helpers(__file__)`) and probes (in the
worker, `import helpers`): inputs, the reference block and the models whose parameters are
counted. Shipped with the public tests: nothing here is a hidden answer."""
import torch
from torch import nn


def make_input(n, d, seed, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=g, dtype=torch.float64).to(dtype)


class ReferenceResidual(nn.Module):
    """The block of exercise 1, as the contract states it (tests compare against it)."""

    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        return x + self.fc2(torch.relu(self.fc1(x)))


class TiedLM(nn.Module):
    """An embedding and an output layer sharing one weight (tied weights)."""

    def __init__(self, vocab=10, d=4):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.out = nn.Linear(d, vocab)
        self.out.weight = self.embed.weight

    def forward(self, ids):
        return self.out(self.embed(ids))


def build(kind):
    """A model to count, by name. The counts are in the tests, worked out by hand."""
    torch.manual_seed(0)
    if kind == "mlp":  # 4*8 + 8 + 8*3 + 3 = 67
        return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    if kind == "tied":  # embed 10*4 (shared with out.weight) + out.bias 10 = 50
        return TiedLM()
    if kind == "frozen":  # mlp with the first layer frozen: 27 trainable of 67
        model = build("mlp")
        model[0].requires_grad_(False)
        return model
    if kind == "batchnorm":  # 4*5 + 5 + 2*5 = 35 parameters; running stats are buffers
        return nn.Sequential(nn.Linear(4, 5), nn.BatchNorm1d(5))
    if kind == "conv":  # 3*6*3*3 + 6, BatchNorm 6 + 6, 6*2 (no bias) = 192
        return nn.Sequential(nn.Conv2d(3, 6, 3), nn.BatchNorm2d(6), nn.Conv2d(6, 2, 1, bias=False))
    if kind == "shared_block":  # one Linear(3, 3) used twice: 12
        lin = nn.Linear(3, 3)
        return nn.Sequential(lin, nn.ReLU(), lin)
    if kind == "inplace":  # the ReLU overwrites the first layer's output in place
        return nn.Sequential(nn.Linear(4, 8), nn.ReLU(inplace=True), nn.Linear(8, 3))
    if kind == "nested":
        return nn.Sequential(nn.Sequential(nn.Linear(4, 5), nn.Tanh()), nn.Linear(5, 2))
    if kind == "raises":  # the second layer's input size is wrong: forward raises after the first
        return nn.Sequential(nn.Linear(4, 8), nn.Linear(5, 3))
    if kind == "wide":  # for init_weights: large layers (statistics), a LayerNorm, a nested Linear
        return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.LayerNorm(128),
                             nn.Sequential(nn.Linear(128, 96), nn.ReLU()), nn.Linear(96, 32, bias=False))
    if kind == "embed":  # an Embedding and a Linear: only the Linear is initialised
        return nn.Sequential(nn.Embedding(50, 80), nn.Linear(80, 200))
    if kind == "empty":
        return nn.Sequential(nn.ReLU())
    raise ValueError(f"unknown model kind {kind!r}")


def outputs_by_name(model, x, prefix=""):
    """Every submodule's output of an nn.Sequential (nested ones too) by its named_modules()
    name, computed layer by layer (no hooks): what record_activations must return."""
    acts = {}
    for name, child in model.named_children():
        full = prefix + name
        if isinstance(child, nn.Sequential):
            inner, x = outputs_by_name(child, x, full + ".")
            acts.update(inner)
        else:
            x = child(x)
        acts[full] = x.detach().clone()
    return acts, x


def running_mean_reference(batches, modes, momentum=0.1):
    """RunningMean's outputs, mean and steps after ``batches``, in float64, by its formula."""
    mean, steps, outputs = torch.zeros(batches[0].shape[1], dtype=torch.float64), 0, []
    for batch, mode in zip(batches, modes):
        x = batch.to(torch.float64)
        if mode == "train":
            mean = (1 - momentum) * mean + momentum * x.mean(0)
            steps += 1
        outputs.append(x - mean)
    return outputs, mean, steps
