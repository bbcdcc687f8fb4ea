# exercise: count_parameters
# bug: trainable_only defaults to False: called without the flag it counts frozen parameters too
# breaks: defaults
# misconception: You gave trainable_only a default of False: called without the flag, the function counts frozen parameters too, while by default only trainable ones count.
# misconception-ko: trainable_only의 기본값을 False로 둔 것으로 보입니다. 플래그 없이 호출하면 고정된 파라미터까지 세지만, 기본 동작은 학습 가능한 파라미터만 세는 것입니다.
# on-hidden: name
def count_parameters(model, trainable_only=False):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
