"""Fails when the held-out intent accuracy in a `rasa test nlu` report is below a threshold."""

import json
import sys
from pathlib import Path


def main(report_path: str, threshold: str) -> int:
    """Prints the accuracy and the weakest intents; exit code 1 below the threshold."""
    report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    accuracy = report["accuracy"]
    intents = {name: scores for name, scores in report.items() if isinstance(scores, dict) and "f1-score" in scores}
    weakest = sorted(
        (scores["f1-score"], name)
        for name, scores in intents.items()
        if name not in {"macro avg", "weighted avg", "micro avg"}
    )[:5]
    print(f"Held-out intent accuracy: {accuracy:.1%} (threshold {float(threshold):.0%})")
    print("Weakest intents (F1): " + ", ".join(f"{name} {f1:.2f}" for f1, name in weakest))
    return 0 if accuracy >= float(threshold) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
