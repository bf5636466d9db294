"""Near-duplicate fingerprints as the store sees them: opaque signatures and band keys.

`brandguard.nlp.fingerprint` makes them; stores only index the band keys and compare signatures
here, so the store layer depends on nothing in the stages.
"""

from __future__ import annotations

import numpy as np

SIGNATURE_LENGTH = 64


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two MinHash signatures (uint32 each)."""
    sa = np.frombuffer(a, dtype=np.uint32)
    sb = np.frombuffer(b, dtype=np.uint32)
    if sa.size != SIGNATURE_LENGTH or sb.size != SIGNATURE_LENGTH:
        return 0.0
    return float(np.count_nonzero(sa == sb)) / SIGNATURE_LENGTH
