# exercise: count_parameters
# bug: named_parameters(remove_duplicate=False): a tied weight counted twice
# breaks: values
# misconception: You listed the parameters with duplicates kept (remove_duplicate switched off): a weight shared by two layers is counted twice.
# misconception-ko: 중복을 제거하지 않고(remove_duplicate를 끄고) 파라미터를 나열한 것으로 보입니다. 두 레이어가 공유하는 가중치가 두 번 세어집니다.
# on-hidden: name
def count_parameters(model, trainable_only=True):
    return sum(p.numel() for _, p in model.named_parameters(remove_duplicate=False)
               if p.requires_grad or not trainable_only)
