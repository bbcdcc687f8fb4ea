# exercise: count_parameters
# bug: ignores trainable_only (frozen parameters always counted)
# breaks: values
# misconception: You summed the sizes of all parameters without looking at requires_grad: frozen parameters are counted even when only trainable ones are asked for.
# misconception-ko: requires_grad를 보지 않고 모든 파라미터의 크기를 더한 것으로 보입니다. 학습 가능한 파라미터만 세라고 해도 고정된(frozen) 파라미터까지 세어집니다.
# on-hidden: name
def count_parameters(model, trainable_only=True):
    return sum(p.numel() for p in model.parameters())
