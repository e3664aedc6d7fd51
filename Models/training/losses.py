"""Losses: class weights, cross-entropy with label smoothing and mixup, and the
distillation term (the hook for a later teacher)."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def class_weights(counts: torch.Tensor, mode: str | None) -> torch.Tensor | None:
    """Per-class loss weights from train counts, scaled to mean 1.

    ``mode``: ``null``/``none`` (no weights), ``inverse`` (1/n), ``inverse_sqrt`` (1/sqrt(n)).
    """
    if mode in (None, "none"):
        return None
    n = counts.double().clamp(min=1)
    if mode == "inverse":
        w = 1 / n
    elif mode == "inverse_sqrt":
        w = n.rsqrt()
    else:
        raise ValueError(f"loss.class_weights: unknown mode {mode!r} (none, inverse, inverse_sqrt)")
    return (w / w.mean()).float()


def mixup(x: torch.Tensor, y: torch.Tensor, alpha: float, rng: np.random.Generator):
    """Mixup (Zhang et al. 2018): ``(mixed x, y, y of the partner, lam)``.

    lam ~ Beta(alpha, alpha) and the partner permutation both come from ``rng``
    (not torch's global generator), so runs repeat.
    """
    lam = float(rng.beta(alpha, alpha)) if alpha > 0 else 1.0
    perm = torch.from_numpy(rng.permutation(x.shape[0])).to(x.device)
    return lam * x + (1 - lam) * x[perm], y, y[perm], lam


def classification_loss(logits, y_a, y_b, lam, weight, label_smoothing):
    """Cross-entropy (weighted, smoothed) on a mixup pair; ``lam = 1`` is plain CE."""
    loss = F.cross_entropy(logits, y_a, weight=weight, label_smoothing=label_smoothing)
    if lam < 1:
        loss = lam * loss + (1 - lam) * F.cross_entropy(logits, y_b, weight=weight,
                                                        label_smoothing=label_smoothing)
    return loss


def distillation_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                      temperature: float) -> torch.Tensor:
    """Hinton et al. (2015) soft-target term: KL(teacher_T || student_T) * T^2.

    The T^2 keeps its gradient scale comparable to the hard-label loss, so the
    total is ``(1 - w) * hard + w * distillation_loss(...)`` with ``w`` the
    config's ``distill.weight``.
    """
    t = temperature
    return F.kl_div(F.log_softmax(student_logits / t, dim=1), F.softmax(teacher_logits / t, dim=1),
                    reduction="batchmean") * (t * t)
