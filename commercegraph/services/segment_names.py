"""The RFM segments by key suffix and display name; light enough for the rules language."""

from __future__ import annotations

RFM_SEGMENT_NAMES: dict[str, str] = {
    "champions": "Champions",
    "loyal": "Loyal",
    "potential-loyalist": "Potential Loyalist",
    "new": "New",
    "promising": "Promising",
    "need-attention": "Need Attention",
    "about-to-sleep": "About to Sleep",
    "at-risk": "At Risk",
    "cannot-lose-them": "Cannot Lose Them",
    "hibernating": "Hibernating",
    "lost": "Lost",
}
